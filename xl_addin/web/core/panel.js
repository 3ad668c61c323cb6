/*
 * The task pane of both add-ins: is the server there, and what each button
 * press on each master is doing (the handler's status-bar text) or said at
 * the end. Polls GET /zhenggai/status every two seconds while the pane is open.
 */
(function (root) {
  "use strict";
  var Z = root.Zhenggai;
  var POLL_MS = 2000;

  function text(el, value) {
    el.textContent = value;
    return el;
  }

  function line(doc, run) {
    var li = doc.createElement("li");
    var head = text(doc.createElement("b"), run.master + "：" + run.label);
    li.appendChild(head);
    var body = run.running ? run.status || "正在运行…" : run.message || "已完成。";
    li.appendChild(text(doc.createElement("div"), body));
    li.className = run.running ? "running" : "done";
    return li;
  }

  /** Start polling into elements #server and #runs of doc. */
  function start(doc, options) {
    var serverEl = doc.getElementById("server");
    var runsEl = doc.getElementById("runs");
    function poll() {
      Z.status(options).then(
        function (answer) {
          text(serverEl, "已连接整改台账服务：" + options.server);
          serverEl.className = "ok";
          while (runsEl.firstChild) runsEl.removeChild(runsEl.firstChild);
          answer.runs.forEach(function (run) {
            runsEl.appendChild(line(doc, run));
          });
          if (!answer.runs.length) runsEl.appendChild(text(doc.createElement("li"), "还没有运行过按钮。"));
        },
        function (error) {
          text(serverEl, error.message);
          serverEl.className = "error";
        }
      );
    }
    poll();
    return setInterval(poll, POLL_MS);
  }

  root.ZhenggaiPanel = { start: start };
})(typeof self !== "undefined" ? self : this);
