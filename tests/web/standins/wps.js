/*
 * STAND-IN, NOT WPS: a small imitation of WPS 表格's JS object model, enough
 * for the zhenggai WPS adapter, shaped after et-jsapi-declare's typings
 * (Application.ActiveWorkbook.Worksheets.Item(i), Worksheet.Range(a, b),
 * Cells.Item(r, c), Range.Value2 / Value(), Interior.Color as BGR, ...).
 * Real WPS was not available to these tests; see the README.
 */
"use strict";

const { Book, isDateFormat } = require("./grid.js");

const EPOCH = Date.UTC(1899, 11, 30);

class Range {
  constructor(ws, r1, c1, r2, c2) {
    Object.assign(this, { ws, r1, c1, r2: r2 ?? r1, c2: c2 ?? c1 });
  }
  get sheet() {
    return this.ws.sheet;
  }
  each(fn) {
    for (let r = this.r1; r <= this.r2; r++) for (let c = this.c1; c <= this.c2; c++) fn(this.sheet.cell(r, c), r, c);
  }
  get Row() {
    return this.r1;
  }
  get Column() {
    return this.c1;
  }
  get Rows() {
    return { Count: this.r2 - this.r1 + 1 };
  }
  get Columns() {
    return { Count: this.c2 - this.c1 + 1 };
  }
  get Left() {
    return (this.c1 - 1) * 48;
  }
  get Top() {
    return (this.r1 - 1) * 15;
  }
  Item(r, c) {
    return new Range(this.ws, this.r1 + r - 1, this.c1 + c - 1);
  }
  grid(read) {
    const out = [];
    for (let r = this.r1; r <= this.r2; r++) {
      const row = [];
      for (let c = this.c1; c <= this.c2; c++) {
        const cell = this.sheet.peek(r, c);
        row.push(cell ? read(cell) : undefined);
      }
      out.push(row);
    }
    return this.r1 === this.r2 && this.c1 === this.c2 ? out[0][0] : out;
  }
  get Value2() {
    return this.grid((cell) => (cell.value === null ? undefined : cell.value));
  }
  set Value2(values) {
    const rows = Array.isArray(values) ? values : [[values]];
    rows.forEach((row, i) => row.forEach((v, j) => this.sheet.enter(this.r1 + i, this.c1 + j, v)));
  }
  Value() {
    // As VBA's Range.Value: a date cell gives a date, other cells what Value2 gives.
    return this.grid((cell) =>
      typeof cell.value === "number" && isDateFormat(cell.format)
        ? new Date(EPOCH + Math.round(cell.value * 86400000))
        : cell.value === null
          ? undefined
          : cell.value
    );
  }
  set NumberFormat(fmt) {
    this.each((cell) => (cell.format = fmt));
  }
  get Interior() {
    const range = this;
    return {
      set Color(bgr) {
        range.each((cell) => (cell.fill = bgr));
      },
      set ColorIndex(index) {
        if (index === -4142) range.each((cell) => (cell.fill = null));
      }
    };
  }
  get Font() {
    const range = this;
    return new Proxy({}, { set: (_, name, value) => (range.each((cell) => (cell.font[name] = value)), true) });
  }
  get Borders() {
    const range = this;
    return {
      Item(index) {
        return new Proxy({}, {
          set: (_, name, value) => (range.each((cell) => ((cell.borders[index] ||= {})[name] = value)), true)
        });
      }
    };
  }
  set ColumnWidth(width) {
    for (let c = this.c1; c <= this.c2; c++) this.sheet.widths.set(c, width);
  }
  set WrapText(on) {
    this.each((cell) => (cell.wrap = on));
  }
  existing(fn) {
    for (const [key, cell] of this.sheet.cells) {
      const [r, c] = key.split(",").map(Number);
      if (r >= this.r1 && r <= this.r2 && c >= this.c1 && c <= this.c2) fn(cell);
    }
  }
  Clear() {
    this.existing((cell) => Object.assign(cell, { value: null, format: "General", fill: null, font: {}, borders: {} }));
  }
  ClearContents() {
    this.existing((cell) => (cell.value = null));
  }
}

class Chart {
  constructor(object) {
    this.object = object;
    this.HasTitle = false;
    this.HasLegend = true;
    this.ChartTitle = { Text: "" };
    this.axes = { 1: { HasTitle: false, AxisTitle: { Text: "" } }, 2: { HasTitle: false, AxisTitle: { Text: "" } } };
    this.series = [];
  }
  SetSourceData(range) {
    this.source = range;
    this.series = [];
    for (let c = range.c1; c <= range.c2; c++) this.series.push({ XValues: null });
  }
  SeriesCollection() {
    const series = this.series;
    return { Count: series.length, Item: (i) => series[i - 1] };
  }
  Axes(type) {
    return this.axes[type];
  }
}

class Worksheet {
  constructor(app, sheet) {
    this.app = app;
    this.sheet = sheet;
  }
  get Name() {
    return this.sheet.name;
  }
  set Name(name) {
    this.sheet.name = name;
  }
  get Visible() {
    return { Visible: -1, Hidden: 0, VeryHidden: 2 }[this.sheet.visibility];
  }
  get Index() {
    return this.app.book.sheets.indexOf(this.sheet) + 1;
  }
  get Cells() {
    return new Range(this, 1, 1, 1048576, 16384);
  }
  get UsedRange() {
    const [rows, columns] = this.sheet.extent();
    return new Range(this, 1, 1, Math.max(rows, 1), Math.max(columns, 1));
  }
  Range(a, b) {
    if (typeof a === "string") {
      const [first, last] = a.split(":").map(parse);
      return new Range(this, first.r, first.c, (last || first).r, (last || first).c);
    }
    return new Range(this, a.r1, a.c1, (b || a).r2, (b || a).c2);
  }
  ChartObjects() {
    const ws = this;
    const list = this.sheet.charts;
    return {
      get Count() {
        return list.length;
      },
      Item: (i) => list[i - 1],
      Add(left, top, width, height) {
        const object = { Left: left, Top: top, Width: width, Height: height, Name: "", Delete: () => list.splice(list.indexOf(object), 1) };
        object.Chart = new Chart(object);
        list.push(object);
        return object;
      },
      ws
    };
  }
  Activate() {
    this.app.book.active = this.app.book.sheets.indexOf(this.sheet);
  }
}

function parse(address) {
  const m = /^([A-Z]+)(\d+)$/.exec(address);
  let c = 0;
  for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
  return { r: Number(m[2]), c };
}

/** Application for a zhenggai Book (grid.js); alert() calls go to book.alerts. */
function application(book) {
  const app = { book };
  const sheets = () => book.sheets.map((s) => new Worksheet(app, s));
  const worksheets = {
    get Count() {
      return book.sheets.length;
    },
    Item: (i) => (typeof i === "number" ? sheets()[i - 1] : sheets().find((ws) => ws.Name === i)),
    Add(before, after) {
      const { Sheet } = require("./grid.js");
      const sheet = new Sheet("Sheet" + (book.sheets.length + 1));
      const at = before ? book.sheets.indexOf(before.sheet) : book.sheets.indexOf(after.sheet) + 1;
      book.sheets.splice(at, 0, sheet);
      return new Worksheet(app, sheet);
    }
  };
  app.ActiveWorkbook = {
    Name: book.name,
    FullName: book.fullname,
    Worksheets: worksheets,
    get ActiveSheet() {
      return sheets()[book.active];
    }
  };
  app.ActiveWindow = {
    FreezePanes: false,
    SplitRow: 0,
    SplitColumn: 0
  };
  Object.defineProperty(app.ActiveWindow, "FreezePanes", {
    set(on) {
      const sheet = book.sheets[book.active];
      sheet.frozen = on ? { rows: this.SplitRow, columns: this.SplitColumn } : { rows: 0, columns: 0 };
    },
    get() {
      return book.sheets[book.active].frozen.rows > 0;
    }
  });
  return app;
}

module.exports = { application, Book };
