/*
 * zhenggai: the host-neutral core of the Office.js and WPS add-ins.
 *
 * One button press: the host adapter reads the workbook, the core builds the
 * JSON that xlwings Server's protocol expects, posts it to `zhenggai serve`
 * (POST /zhenggai/run/<tag>, header Authorization: <token>), and hands every
 * returned action to the adapter, which applies it through its host's object
 * model. Action names and arguments are xlwings' own (xlwings 0.37.8,
 * xlwings/pro/_xlremote.py); this file was written for zhenggai, not copied.
 *
 * An adapter is an object with:
 *   client                 "Office.js" or "WPS", sent as payload.client
 *   readBook()             -> Promise of {name, fullname, activeSheetIndex,
 *                             sheets: [{name, visibility, values, charts}]};
 *                             values from A1, dates already ISO text (isoDate)
 *   <action name>(action)  for every action it applies (may return a Promise)
 *   flush()                -> Promise; called after the last action
 *
 * Plain ES5 plus Promise, so that it runs in WPS's embedded browser, in the
 * Office add-in runtimes and in node (tests) alike.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.Zhenggai = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var VERSION = "1";
  var RUN = "/zhenggai/run/";
  var PING = "/zhenggai/ping";
  var STATUS = "/zhenggai/status";
  var MS_PER_DAY = 86400000;
  var EXCEL_EPOCH = Date.UTC(1899, 11, 30);

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }

  /** An Excel date serial (1900 date system) as xlwings' clients send dates. */
  function isoDate(serial) {
    var d = new Date(EXCEL_EPOCH + Math.round(serial * MS_PER_DAY));
    return (
      pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2) +
      "T" + pad(d.getUTCHours(), 2) + ":" + pad(d.getUTCMinutes(), 2) + ":" + pad(d.getUTCSeconds(), 2) +
      ".000Z"
    );
  }

  /** "$K$2" or "K2" -> {row: 2, column: 11} (1-based). */
  function parseCell(address) {
    var m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(String(address).split("!").pop());
    if (!m) throw new Error("not a cell address: " + address);
    var letters = m[1].toUpperCase();
    var column = 0;
    for (var i = 0; i < letters.length; i++) column = column * 26 + (letters.charCodeAt(i) - 64);
    return { row: parseInt(m[2], 10), column: column };
  }

  /** "#RRGGBB" -> the BGR integer of VBA-style object models (WPS, Excel COM). */
  function hexToBgr(hex) {
    var h = String(hex).replace("#", "");
    var r = parseInt(h.substr(0, 2), 16);
    var g = parseInt(h.substr(2, 2), 16);
    var b = parseInt(h.substr(4, 2), 16);
    return r + g * 256 + b * 65536;
  }

  /** A rows x columns array filled with value. */
  function filled(rows, columns, value) {
    var out = [];
    for (var r = 0; r < rows; r++) {
      var row = [];
      for (var c = 0; c < columns; c++) row.push(value);
      out.push(row);
    }
    return out;
  }

  /** The request body for book (what adapter.readBook() gave). */
  function buildPayload(book, client) {
    return {
      client: client,
      version: VERSION,
      book: {
        name: book.name,
        fullname: book.fullname || null,
        active_sheet_index: book.activeSheetIndex || 0,
        selection: "A1"
      },
      names: [],
      sheets: book.sheets.map(function (s) {
        return {
          name: s.name,
          visibility: s.visibility || "Visible",
          values: s.values && s.values.length ? s.values : [[]],
          pictures: [],
          tables: [],
          charts: s.charts || []
        };
      })
    };
  }

  /**
   * Apply actions through adapter, in order. Resolves to {alerts, applied}:
   * alerts are {text, error} to show the user once everything is applied.
   */
  function applyActions(adapter, actions) {
    var alerts = [];
    var applied = 0;
    var chain = Promise.resolve();
    actions.forEach(function (action) {
      chain = chain.then(function () {
        if (action.func === "alert") {
          alerts.push({ text: String(action.args[0]), error: action.args[3] === "critical" });
          return null;
        }
        var apply = adapter[action.func];
        if (typeof apply !== "function") {
          throw new Error(
            "加载项不认识整改台账服务返回的操作“" + action.func + "”：请更新加载项（重新运行 zhenggai addin）。"
          );
        }
        applied += 1;
        return apply.call(adapter, action);
      });
    });
    return chain
      .then(function () {
        return adapter.flush ? adapter.flush() : null;
      })
      .then(function () {
        return { alerts: alerts, applied: applied };
      });
  }

  /** The default transport: XMLHttpRequest, present in every host browser. */
  function xhrTransport(method, url, token, body) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      xhr.setRequestHeader("Authorization", token);
      if (body !== null) xhr.setRequestHeader("Content-Type", "application/json");
      xhr.onload = function () {
        resolve({ status: xhr.status, body: xhr.responseText });
      };
      xhr.onerror = function () {
        reject(new Error("network"));
      };
      xhr.send(body);
    });
  }

  function detail(response) {
    try {
      return JSON.parse(response.body).detail || response.body;
    } catch (e) {
      return "整改台账服务返回了 HTTP " + response.status + "。";
    }
  }

  function unreachable(server) {
    return (
      "连不上整改台账服务 " + server + "。请先在本机运行 zhenggai serve（窗口保持打开），再点按钮。"
    );
  }

  /**
   * One button press. options: {server, token, tag, adapter, transport?}.
   * Resolves to {alerts, applied}; never rejects for a refusal of the server:
   * that becomes an error alert with the server's Chinese message.
   */
  function run(options) {
    var transport = options.transport || xhrTransport;
    var adapter = options.adapter;
    return adapter
      .readBook()
      .then(function (book) {
        var body = JSON.stringify(buildPayload(book, adapter.client));
        return transport("POST", options.server + RUN + options.tag, options.token, body).then(
          null,
          function () {
            return { status: 0, body: "" };
          }
        );
      })
      .then(function (response) {
        if (response.status === 0) return { alerts: [{ text: unreachable(options.server), error: true }], applied: 0 };
        if (response.status !== 200) return { alerts: [{ text: detail(response), error: true }], applied: 0 };
        return applyActions(adapter, JSON.parse(response.body).actions);
      });
  }

  /** GET /zhenggai/ping or /zhenggai/status: resolves to the JSON, rejects with a Chinese message. */
  function get(options, path) {
    var transport = options.transport || xhrTransport;
    return transport("GET", options.server + path, options.token, null).then(
      function (response) {
        if (response.status !== 200) throw new Error(detail(response));
        return JSON.parse(response.body);
      },
      function () {
        throw new Error(unreachable(options.server));
      }
    );
  }

  /** The tag of a ribbon control id "zhenggai.<tag>" (Office.js) or "zhenggai_<tag>" (WPS). */
  function tagOf(controlId) {
    return String(controlId).replace(/^zhenggai[._]/, "");
  }

  return {
    VERSION: VERSION,
    applyActions: applyActions,
    buildPayload: buildPayload,
    filled: filled,
    hexToBgr: hexToBgr,
    isoDate: isoDate,
    parseCell: parseCell,
    ping: function (options) {
      return get(options, PING);
    },
    run: run,
    status: function (options) {
      return get(options, STATUS);
    },
    tagOf: tagOf
  };
});
