/*
 * Ribbon callbacks of the WPS add-in (ribbon.xml): every button calls OnAction;
 * its id "zhenggai_<tag>" names the handler. ZHENGGAI_CONFIG (js/config.js,
 * written by `zhenggai addin wps`) holds the server's address and this PC's token.
 */
var ZHENGGAI_TASKPANE = "zhenggai_taskpane_id";

function OnAddinLoad(ribbonUI) {
  if (typeof window.Application.ribbonUI !== "object") window.Application.ribbonUI = ribbonUI;
  return true;
}

function GetImage() {
  return "images/zhenggai.svg";
}

function zhenggaiShowPane() {
  var app = window.Application;
  var id = app.PluginStorage.getItem(ZHENGGAI_TASKPANE);
  var pane = id ? app.GetTaskPane(id) : null;
  if (!pane) {
    var page = document.location.toString().replace(/[^/]*$/, "") + "ui/taskpane.html";
    pane = app.CreateTaskPane(page);
    app.PluginStorage.setItem(ZHENGGAI_TASKPANE, pane.ID);
  }
  pane.Visible = true;
}

function OnAction(control) {
  var tag = Zhenggai.tagOf(control.Id);
  if (tag === "taskpane") {
    zhenggaiShowPane();
    return true;
  }
  zhenggaiShowPane();
  var adapter = new ZhenggaiWps.WpsAdapter(window.Application);
  Zhenggai.run({ server: ZHENGGAI_CONFIG.server, token: ZHENGGAI_CONFIG.token, tag: tag, adapter: adapter })
    .then(null, function (error) {
      return { alerts: [{ text: "按钮没有完成：" + (error && error.message ? error.message : error), error: true }] };
    })
    .then(function (result) {
      result.alerts.forEach(function (a) {
        alert(a.text);
      });
    });
  return true;
}
