// Included by index.html, as in wpsjs's templates: the add-in's scripts, in order.
document.write("<script type='text/javascript' src='js/zhenggai.js'></script>");
document.write("<script type='text/javascript' src='js/config.js'></script>");
document.write("<script type='text/javascript' src='js/adapter.js'></script>");
document.write("<script type='text/javascript' src='js/ribbon.js'></script>");
