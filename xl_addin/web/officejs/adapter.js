/*
 * The Office.js adapter of the zhenggai core: Excel's JavaScript API inside
 * one Excel.run batch (`context`). Reads queue loads and sync; writes queue
 * on the batch and are sent by flush() (and every SYNC_EVERY actions).
 *
 * Values are read and written in blocks of CHUNK rows: Excel on the web
 * limits one request to about 5 MB. A cell is a date when Excel's number
 * format category for it is Date or Time (ExcelApi 1.12).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("../core/zhenggai.js"));
  } else {
    root.ZhenggaiOffice = factory(root.Zhenggai);
  }
})(typeof self !== "undefined" ? self : this, function (Zhenggai) {
  "use strict";

  var CHUNK = 2000;
  var SYNC_EVERY = 200;
  var BORDERS = {
    diagonal_down: "DiagonalDown", diagonal_up: "DiagonalUp", edge_left: "EdgeLeft",
    edge_top: "EdgeTop", edge_bottom: "EdgeBottom", edge_right: "EdgeRight",
    inside_vertical: "InsideVertical", inside_horizontal: "InsideHorizontal"
  };
  var LINE_STYLES = {
    continuous: "Continuous", dash: "Dash", dash_dot: "DashDot", dash_dot_dot: "DashDotDot",
    dot: "Dot", double: "Double", slant_dash_dot: "SlantDashDot"
  };
  var WEIGHTS = { hairline: "Hairline", thin: "Thin", medium: "Medium", thick: "Thick" };

  function OfficeAdapter(context, fullname) {
    this.context = context;
    this.fullname = fullname || null;
    this.client = "Office.js";
    this.sheets = []; // Worksheet proxies by position, kept in step with addSheet
    this.charts = []; // per position: Chart proxies in the order xlwings indexes them
    this.pending = 0;
  }

  OfficeAdapter.prototype.readBook = function () {
    var self = this;
    var ctx = this.context;
    var wb = ctx.workbook;
    var worksheets = wb.worksheets;
    var active = worksheets.getActiveWorksheet();
    wb.load("name");
    worksheets.load("items/name,items/visibility");
    active.load("position");
    var used = [];
    return ctx
      .sync()
      .then(function () {
        self.sheets = worksheets.items.slice();
        self.sheets.forEach(function (ws) {
          var u = ws.getUsedRangeOrNullObject(true);
          u.load("isNullObject,rowIndex,columnIndex,rowCount,columnCount");
          var charts = ws.charts;
          charts.load("items/name,items/left,items/top,items/width,items/height");
          used.push({ range: u, charts: charts });
        });
        return ctx.sync();
      })
      .then(function () {
        var blocks = self.sheets.map(function (ws, i) {
          var u = used[i].range;
          if (u.isNullObject) return [];
          var rows = u.rowIndex + u.rowCount;
          var columns = u.columnIndex + u.columnCount;
          var parts = [];
          for (var start = 0; start < rows; start += CHUNK) {
            var r = ws.getRangeByIndexes(start, 0, Math.min(CHUNK, rows - start), columns);
            r.load("values,numberFormatCategories");
            parts.push(r);
          }
          return parts;
        });
        return ctx.sync().then(function () {
          return blocks;
        });
      })
      .then(function (blocks) {
        self.charts = used.map(function (u) {
          return u.charts.items.slice();
        });
        return {
          name: wb.name,
          fullname: self.fullname,
          activeSheetIndex: active.position,
          sheets: self.sheets.map(function (ws, i) {
            return {
              name: ws.name,
              visibility: ws.visibility,
              values: sheetValues(blocks[i]),
              charts: used[i].charts.items.map(function (c) {
                return { name: c.name, left: c.left, top: c.top, width: c.width, height: c.height };
              })
            };
          })
        };
      });
  };

  function sheetValues(parts) {
    var values = [];
    parts.forEach(function (part) {
      part.values.forEach(function (row, r) {
        var categories = part.numberFormatCategories[r];
        values.push(
          row.map(function (v, c) {
            var category = categories[c];
            if (typeof v === "number" && (category === "Date" || category === "Time")) {
              return Zhenggai.isoDate(v);
            }
            return v;
          })
        );
      });
    });
    return values;
  }

  OfficeAdapter.prototype.tick = function (structural) {
    this.pending += 1;
    if (structural || this.pending >= SYNC_EVERY) {
      this.pending = 0;
      return this.context.sync();
    }
    return null;
  };

  OfficeAdapter.prototype.sheet = function (position) {
    return this.sheets[position];
  };

  OfficeAdapter.prototype.range = function (a) {
    return this.sheet(a.sheet_position).getRangeByIndexes(
      a.start_row, a.start_column, a.row_count, a.column_count
    );
  };

  OfficeAdapter.prototype.chart = function (a) {
    return this.charts[a.sheet_position][a.args[0]];
  };

  OfficeAdapter.prototype.byName = function (name) {
    for (var i = 0; i < this.sheets.length; i++) if (this.sheets[i].name === name) return this.sheets[i];
    return this.context.workbook.worksheets.getItem(name);
  };

  OfficeAdapter.prototype.setValues = function (a) {
    var ws = this.sheet(a.sheet_position);
    for (var start = 0; start < a.row_count; start += CHUNK) {
      var n = Math.min(CHUNK, a.row_count - start);
      ws.getRangeByIndexes(a.start_row + start, a.start_column, n, a.column_count).values =
        a.values.slice(start, start + n);
    }
    return this.tick(a.row_count > CHUNK);
  };
  OfficeAdapter.prototype.setNumberFormat = function (a) {
    this.range(a).numberFormat = Zhenggai.filled(a.row_count, a.column_count, a.args[0]);
    return this.tick(false);
  };
  OfficeAdapter.prototype.setRangeColor = function (a) {
    var fill = this.range(a).format.fill;
    if (a.args[0]) fill.color = a.args[0];
    else fill.clear();
    return this.tick(false);
  };
  OfficeAdapter.prototype.setFontProperty = function (a) {
    this.range(a).format.font[a.args[0]] = a.args[1];
    return this.tick(false);
  };
  OfficeAdapter.prototype.setWrapText = function (a) {
    this.range(a).format.wrapText = Boolean(a.args[0]);
    return this.tick(false);
  };
  OfficeAdapter.prototype.setHorizontalAlignment = function (a) {
    this.range(a).format.horizontalAlignment = a.args[0];
    return this.tick(false);
  };
  OfficeAdapter.prototype.setVerticalAlignment = function (a) {
    this.range(a).format.verticalAlignment = a.args[0];
    return this.tick(false);
  };
  OfficeAdapter.prototype.setBorderProperty = function (a) {
    var border = this.range(a).format.borders.getItem(BORDERS[a.args[0]]);
    var what = a.args[1];
    var value = a.args[2];
    if (what === "color") border.color = value;
    else if (what === "weight") border.weight = WEIGHTS[value];
    else border.style = value === null ? "None" : LINE_STYLES[value];
    return this.tick(false);
  };
  OfficeAdapter.prototype.setColumnWidth = function (a) {
    this.range(a).format.columnWidth = a.args[0]; // points, as xlwings Server sends them
    return this.tick(false);
  };
  OfficeAdapter.prototype.setRowHeight = function (a) {
    this.range(a).format.rowHeight = a.args[0];
    return this.tick(false);
  };
  OfficeAdapter.prototype.sheetClear = function (a) {
    this.sheet(a.sheet_position).getRange().clear();
    return this.tick(false);
  };
  OfficeAdapter.prototype.sheetClearContents = function (a) {
    this.sheet(a.sheet_position).getRange().clear("Contents");
    return this.tick(false);
  };
  OfficeAdapter.prototype.rangeClear = function (a) {
    this.range(a).clear();
    return this.tick(false);
  };
  OfficeAdapter.prototype.rangeClearContents = function (a) {
    this.range(a).clear("Contents");
    return this.tick(false);
  };
  OfficeAdapter.prototype.addSheet = function (a) {
    var ws = this.context.workbook.worksheets.add(a.args[1] || undefined);
    ws.position = a.args[0];
    ws.load("name");
    this.sheets.splice(a.args[0], 0, ws);
    this.charts.splice(a.args[0], 0, []);
    return this.tick(true);
  };
  OfficeAdapter.prototype.setSheetName = function (a) {
    this.sheet(a.sheet_position).name = a.args[0];
    return this.tick(true);
  };
  OfficeAdapter.prototype.activateSheet = function (a) {
    this.sheet(a.args[0]).activate();
    return this.tick(false);
  };
  OfficeAdapter.prototype.freezePaneAtRange = function (a) {
    var cell = Zhenggai.parseCell(a.args[0]);
    var panes = this.sheet(a.sheet_position).freezePanes;
    panes.unfreeze();
    var rows = cell.row - 1;
    var columns = cell.column - 1;
    if (rows && columns) panes.freezeAt(this.sheet(a.sheet_position).getRangeByIndexes(0, 0, rows, columns));
    else if (rows) panes.freezeRows(rows);
    else if (columns) panes.freezeColumns(columns);
    return this.tick(false);
  };
  OfficeAdapter.prototype.freezePaneUnfreeze = function (a) {
    this.sheet(a.sheet_position).freezePanes.unfreeze();
    return this.tick(false);
  };
  OfficeAdapter.prototype.addChart = function (a) {
    // args: name, type, source sheet, source address, left, top, width, height, plot by, anchor, style
    var args = a.args;
    var ws = this.sheet(a.sheet_position);
    var source = this.byName(args[2]).getRange(String(args[3]).replace(/\$/g, ""));
    var chart = ws.charts.add(args[1], source, args[8] || "Auto");
    chart.name = args[0];
    if (args[9]) chart.setPosition(ws.getRange(String(args[9]).replace(/\$/g, "")));
    else {
      chart.left = args[4];
      chart.top = args[5];
    }
    chart.width = args[6];
    chart.height = args[7];
    this.charts[a.sheet_position].push(chart);
    return this.tick(true);
  };
  OfficeAdapter.prototype.deleteChart = function (a) {
    this.chart(a).delete();
    this.charts[a.sheet_position].splice(a.args[0], 1);
    return this.tick(true);
  };
  OfficeAdapter.prototype.setChartTitle = function (a) {
    this.chart(a).title.text = a.args[1];
    return this.tick(false);
  };
  OfficeAdapter.prototype.setChartXAxisValues = function (a) {
    var source = this.byName(a.args[1]).getRange(String(a.args[2]).replace(/\$/g, ""));
    this.chart(a).axes.categoryAxis.setCategoryNames(source);
    return this.tick(false);
  };
  OfficeAdapter.prototype.setChartAxis = function (a) {
    var axes = this.chart(a).axes;
    var axis = a.args[1] === "value" ? axes.valueAxis : axes.categoryAxis;
    var values = a.args[2] || {};
    if (values.title !== undefined) {
      axis.title.text = values.title === null ? "" : values.title;
      axis.title.visible = values.title !== null;
    }
    return this.tick(false);
  };
  OfficeAdapter.prototype.setChartLegend = function (a) {
    var legend = this.chart(a).legend;
    if (a.args[1] === "visible") legend.visible = Boolean(a.args[2]);
    else if (a.args[1] === "position") legend.position = a.args[2];
    return this.tick(false);
  };

  OfficeAdapter.prototype.flush = function () {
    this.pending = 0;
    return this.context.sync();
  };

  return { OfficeAdapter: OfficeAdapter, BORDERS: BORDERS, CHUNK: CHUNK };
});
