/*
 * The WPS adapter of the zhenggai core: WPS 表格's JS object model (the
 * VBA-like API of et-jsapi-declare: Application.ActiveWorkbook.Worksheets,
 * Range.Value2, Interior.Color, ...), used synchronously as WPS offers it.
 *
 * Reading makes O(sheets) calls: one Value2 and one Value() per sheet, over
 * the sheet from A1 to the used range's last cell. A cell is a date when
 * Value2 gives its serial number and Value() something else (a date).
 * Colours are BGR integers here, "#RRGGBB" in the actions.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("../../core/zhenggai.js"));
  } else {
    root.ZhenggaiWps = factory(root.Zhenggai);
  }
})(typeof self !== "undefined" ? self : this, function (Zhenggai) {
  "use strict";

  // XlSheetVisibility, XlBordersIndex, XlLineStyle, XlBorderWeight, XlChartType (Excel's values).
  var VISIBILITY = { "-1": "Visible", "0": "Hidden", "2": "VeryHidden" };
  var BORDERS = {
    diagonal_down: 5, diagonal_up: 6, edge_left: 7, edge_top: 8, edge_bottom: 9,
    edge_right: 10, inside_vertical: 11, inside_horizontal: 12
  };
  var LINE_STYLES = {
    continuous: 1, dash: -4115, dash_dot: 4, dash_dot_dot: 5, dot: -4118, double: -4119,
    slant_dash_dot: 13
  };
  var WEIGHTS = { hairline: 1, thin: 2, medium: -4138, thick: 4 };
  var CHART_TYPES = {
    ColumnClustered: 51, ColumnStacked: 52, BarClustered: 57, BarStacked: 58, Line: 4,
    LineMarkers: 65, Pie: 5, Area: 1, XYScatter: -4169, Doughnut: -4120
  };
  var XL_NONE = -4142; // xlLineStyleNone and xlColorIndexNone
  var XL_CATEGORY = 1;
  var XL_VALUE = 2;
  var XL_COLUMNS = 2;

  /** A Value2/Value result as rows x columns (WPS gives a scalar for one cell). */
  function grid(raw, rows, columns) {
    if (rows === 1 && columns === 1 && !Array.isArray(raw)) return [[raw]];
    if (Array.isArray(raw) && raw.length && Array.isArray(raw[0])) return raw;
    var out = [];
    for (var r = 0; r < rows; r++) out.push(raw.slice(r * columns, (r + 1) * columns));
    return out;
  }

  function cellValue(value2, value) {
    if (value2 === null || value2 === undefined) return "";
    if (typeof value2 === "number" && value !== value2 && value !== null && value !== undefined) {
      return Zhenggai.isoDate(value2); // Value() differs from the serial: a date or time cell
    }
    return value2;
  }

  function readSheet(ws) {
    var used = ws.UsedRange;
    var rows = used.Row + used.Rows.Count - 1;
    var columns = used.Column + used.Columns.Count - 1;
    var range = ws.Range(ws.Cells.Item(1, 1), ws.Cells.Item(rows, columns));
    var value2 = grid(range.Value2, rows, columns);
    var value = grid(range.Value(), rows, columns);
    var values = value2.map(function (row, r) {
      return row.map(function (v, c) {
        return cellValue(v, value[r][c]);
      });
    });
    if (rows === 1 && columns === 1 && values[0][0] === "") values = [[]];
    var charts = [];
    var objects = ws.ChartObjects();
    for (var i = 1; i <= objects.Count; i++) {
      var o = objects.Item(i);
      charts.push({ name: o.Name, left: o.Left, top: o.Top, width: o.Width, height: o.Height });
    }
    return { name: ws.Name, visibility: VISIBILITY[String(ws.Visible)] || "Visible", values: values, charts: charts };
  }

  function WpsAdapter(app) {
    this.app = app;
    this.client = "WPS";
    this.book = null;
  }

  WpsAdapter.prototype.readBook = function () {
    var self = this;
    return new Promise(function (resolve) {
      var wb = self.app.ActiveWorkbook;
      if (!wb) throw new Error("没有打开的工作簿：请先打开台账。");
      self.book = wb;
      var sheets = [];
      for (var i = 1; i <= wb.Worksheets.Count; i++) sheets.push(readSheet(wb.Worksheets.Item(i)));
      resolve({
        name: wb.Name,
        fullname: wb.FullName,
        activeSheetIndex: wb.ActiveSheet.Index - 1,
        sheets: sheets
      });
    });
  };

  WpsAdapter.prototype.sheet = function (position) {
    return this.book.Worksheets.Item(position + 1);
  };

  WpsAdapter.prototype.range = function (a) {
    var ws = this.sheet(a.sheet_position);
    var first = ws.Cells.Item(a.start_row + 1, a.start_column + 1);
    var last = ws.Cells.Item(a.start_row + a.row_count, a.start_column + a.column_count);
    return ws.Range(first, last);
  };

  WpsAdapter.prototype.chart = function (a) {
    return this.sheet(a.sheet_position).ChartObjects().Item(a.args[0] + 1).Chart;
  };

  WpsAdapter.prototype.setValues = function (a) {
    this.range(a).Value2 = a.values;
  };
  WpsAdapter.prototype.setNumberFormat = function (a) {
    this.range(a).NumberFormat = a.args[0];
  };
  WpsAdapter.prototype.setRangeColor = function (a) {
    var interior = this.range(a).Interior;
    if (a.args[0]) interior.Color = Zhenggai.hexToBgr(a.args[0]);
    else interior.ColorIndex = XL_NONE; // xlColorIndexNone: no fill
  };
  WpsAdapter.prototype.setFontProperty = function (a) {
    var font = this.range(a).Font;
    var name = a.args[0];
    var value = a.args[1];
    if (name === "color") font.Color = Zhenggai.hexToBgr(value);
    else font[name.charAt(0).toUpperCase() + name.slice(1)] = value;
  };
  WpsAdapter.prototype.setWrapText = function (a) {
    this.range(a).WrapText = Boolean(a.args[0]);
  };
  WpsAdapter.prototype.setBorderProperty = function (a) {
    var border = this.range(a).Borders.Item(BORDERS[a.args[0]]);
    var what = a.args[1];
    var value = a.args[2];
    if (what === "color") border.Color = Zhenggai.hexToBgr(value);
    else if (what === "weight") border.Weight = WEIGHTS[value];
    else border.LineStyle = value === null ? XL_NONE : LINE_STYLES[value];
  };
  WpsAdapter.prototype.setColumnWidth = function (a) {
    // xlwings Server sends points; WPS, like Excel's own API, takes characters
    // (7 pixels each plus 5 pixels padding, 0.75 points per pixel).
    this.range(a).ColumnWidth = Math.max(0, (a.args[0] / 0.75 - 5) / 7);
  };
  WpsAdapter.prototype.setRowHeight = function (a) {
    this.range(a).RowHeight = a.args[0];
  };
  WpsAdapter.prototype.sheetClear = function (a) {
    this.sheet(a.sheet_position).Cells.Clear();
  };
  WpsAdapter.prototype.sheetClearContents = function (a) {
    this.sheet(a.sheet_position).Cells.ClearContents();
  };
  WpsAdapter.prototype.rangeClear = function (a) {
    this.range(a).Clear();
  };
  WpsAdapter.prototype.rangeClearContents = function (a) {
    this.range(a).ClearContents();
  };
  WpsAdapter.prototype.addSheet = function (a) {
    var sheets = this.book.Worksheets;
    var index = a.args[0];
    var ws = index === 0 ? sheets.Add(sheets.Item(1)) : sheets.Add(undefined, sheets.Item(index));
    if (a.args[1]) ws.Name = a.args[1];
  };
  WpsAdapter.prototype.setSheetName = function (a) {
    this.sheet(a.sheet_position).Name = a.args[0];
  };
  WpsAdapter.prototype.activateSheet = function (a) {
    this.sheet(a.args[0]).Activate();
  };

  /** Freeze panes belong to the window: activate the sheet, freeze, go back. */
  WpsAdapter.prototype.freeze = function (position, row, column) {
    var app = this.app;
    var before = this.book.ActiveSheet;
    this.sheet(position).Activate();
    var win = app.ActiveWindow;
    win.FreezePanes = false;
    if (row > 1 || column > 1) {
      win.SplitRow = row - 1;
      win.SplitColumn = column - 1;
      win.FreezePanes = true;
    }
    before.Activate();
  };
  WpsAdapter.prototype.freezePaneAtRange = function (a) {
    var cell = Zhenggai.parseCell(a.args[0]);
    this.freeze(a.sheet_position, cell.row, cell.column);
  };
  WpsAdapter.prototype.freezePaneUnfreeze = function (a) {
    this.freeze(a.sheet_position, 1, 1);
  };

  WpsAdapter.prototype.addChart = function (a) {
    // args: name, type, source sheet, source address, left, top, width, height, plot by, anchor, style
    var args = a.args;
    var ws = this.sheet(a.sheet_position);
    var left = args[4];
    var top = args[5];
    if (args[9]) {
      var anchor = ws.Range(String(args[9]).replace(/\$/g, ""));
      left = anchor.Left;
      top = anchor.Top;
    }
    var object = ws.ChartObjects().Add(left, top, args[6], args[7]);
    object.Name = args[0];
    var chart = object.Chart;
    var source = this.book.Worksheets.Item(args[2]).Range(String(args[3]).replace(/\$/g, ""));
    chart.SetSourceData(source, XL_COLUMNS);
    chart.ChartType = CHART_TYPES[args[1]] || CHART_TYPES.ColumnClustered;
  };
  WpsAdapter.prototype.deleteChart = function (a) {
    this.sheet(a.sheet_position).ChartObjects().Item(a.args[0] + 1).Delete();
  };
  WpsAdapter.prototype.setChartTitle = function (a) {
    var chart = this.chart(a);
    chart.HasTitle = true;
    chart.ChartTitle.Text = a.args[1];
  };
  WpsAdapter.prototype.setChartXAxisValues = function (a) {
    var source = this.book.Worksheets.Item(a.args[1]).Range(String(a.args[2]).replace(/\$/g, ""));
    var series = this.chart(a).SeriesCollection();
    for (var i = 1; i <= series.Count; i++) series.Item(i).XValues = source;
  };
  WpsAdapter.prototype.setChartAxis = function (a) {
    var axis = this.chart(a).Axes(a.args[1] === "value" ? XL_VALUE : XL_CATEGORY);
    var values = a.args[2] || {};
    if (values.title !== undefined) {
      axis.HasTitle = values.title !== null;
      if (values.title !== null) axis.AxisTitle.Text = values.title;
    }
  };
  WpsAdapter.prototype.setChartLegend = function (a) {
    if (a.args[1] === "visible") this.chart(a).HasLegend = Boolean(a.args[2]);
  };

  WpsAdapter.prototype.flush = function () {
    return Promise.resolve();
  };

  return { WpsAdapter: WpsAdapter, BORDERS: BORDERS, CHART_TYPES: CHART_TYPES };
});
