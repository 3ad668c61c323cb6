/*
 * The function file of the Office.js add-in: every ribbon button runs
 * zhenggaiRun (an ExecuteFunction command); the button's control id
 * "zhenggai.<tag>" names the handler. The server is this page's origin and
 * the token comes from the page's query (the manifest for this PC puts it there).
 */
(function () {
  "use strict";
  var token = new URLSearchParams(location.search).get("token") || "";

  function showAlert(alert) {
    return new Promise(function (resolve) {
      var url =
        location.origin + "/zhenggai/web/officejs/alert.html?e=" + (alert.error ? 1 : 0) +
        "&m=" + encodeURIComponent(alert.text);
      Office.context.ui.displayDialogAsync(url, { height: 30, width: 35, displayInIframe: true }, function (result) {
        if (result.status !== Office.AsyncResultStatus.Succeeded) return resolve();
        var dialog = result.value;
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, function () {
          dialog.close();
          resolve();
        });
        dialog.addEventHandler(Office.EventType.DialogEventReceived, function () {
          resolve();
        });
      });
    });
  }

  function zhenggaiRun(event) {
    var tag = Zhenggai.tagOf(event.source.id);
    var fullname = Office.context.document.url || null;
    Excel.run(function (context) {
      var adapter = new ZhenggaiOffice.OfficeAdapter(context, fullname);
      return Zhenggai.run({ server: location.origin, token: token, tag: tag, adapter: adapter });
    })
      .then(null, function (error) {
        return { alerts: [{ text: "按钮没有完成：" + (error && error.message ? error.message : error), error: true }] };
      })
      .then(function (result) {
        return result.alerts.reduce(function (chain, alert) {
          return chain.then(function () {
            return showAlert(alert);
          });
        }, Promise.resolve());
      })
      .then(function () {
        event.completed();
      });
  }

  Office.onReady(function () {
    Office.actions.associate("zhenggaiRun", zhenggaiRun);
  });
})();
