/*
 * STAND-IN, NOT EXCEL: a small imitation of Excel's JavaScript API (Office.js)
 * inside one Excel.run batch, enough for the zhenggai Office.js adapter.
 * Like the real API, a property of a proxy can be read only after it was
 * load()ed and context.sync() ran; writes are applied at once (the real API
 * queues them until sync, which the adapter cannot observe either way).
 */
"use strict";

const { Book, Sheet, isDateFormat } = require("./grid.js");

class Proxy_ {
  constructor(ctx) {
    this._ctx = ctx;
    this._wanted = new Set();
    this._loaded = new Set();
    ctx._proxies.push(this);
  }
  load(props) {
    for (const p of String(props).split(",")) this._wanted.add(p.trim().replace(/^items\//, ""));
    return this;
  }
  _need(prop) {
    if (!this._loaded.has(prop)) throw new Error(`PropertyNotLoaded: ${prop} (load it and sync first)`);
  }
}

class Range extends Proxy_ {
  constructor(ctx, sheet, row, column, rows, columns) {
    super(ctx);
    Object.assign(this, { _sheet: sheet, _r: row, _c: column, _rows: rows, _columns: columns });
  }
  _each(fn) {
    for (let r = 0; r < this._rows; r++) for (let c = 0; c < this._columns; c++) fn(this._sheet.cell(this._r + r + 1, this._c + c + 1), r, c);
  }
  _grid(read) {
    const out = [];
    for (let r = 0; r < this._rows; r++) {
      const row = [];
      for (let c = 0; c < this._columns; c++) {
        const cell = this._sheet.peek(this._r + r + 1, this._c + c + 1);
        row.push(read(cell));
      }
      out.push(row);
    }
    return out;
  }
  get isNullObject() {
    this._need("isNullObject");
    return false;
  }
  get rowIndex() {
    this._need("rowIndex");
    return this._r;
  }
  get columnIndex() {
    this._need("columnIndex");
    return this._c;
  }
  get rowCount() {
    this._need("rowCount");
    return this._rows;
  }
  get columnCount() {
    this._need("columnCount");
    return this._columns;
  }
  get values() {
    this._need("values");
    return this._grid((cell) => (cell && cell.value !== null ? cell.value : ""));
  }
  set values(values) {
    if (values.length !== this._rows || values.some((row) => row.length !== this._columns)) {
      throw new Error("InvalidArgument: values do not match the range's size");
    }
    values.forEach((row, i) => row.forEach((v, j) => this._sheet.enter(this._r + i + 1, this._c + j + 1, v)));
  }
  get numberFormatCategories() {
    this._need("numberFormatCategories");
    return this._grid((cell) => (cell && isDateFormat(cell.format) ? "Date" : "General"));
  }
  set numberFormat(formats) {
    this._each((cell, r, c) => (cell.format = formats[r][c]));
  }
  get format() {
    const range = this;
    const setter = (apply) => new Proxy({}, { set: (_, name, value) => (range._each((cell) => apply(cell, name, value)), true) });
    return {
      fill: {
        set color(c) {
          range._each((cell) => (cell.fill = c));
        },
        clear: () => range._each((cell) => (cell.fill = null))
      },
      font: setter((cell, name, value) => (cell.font[name] = value)),
      borders: { getItem: (side) => setter((cell, name, value) => ((cell.borders[side] ||= {})[name] = value)) },
      set wrapText(on) {
        range._each((cell) => (cell.wrap = on));
      },
      set columnWidth(points) {
        for (let c = 0; c < range._columns; c++) range._sheet.widths.set(range._c + c + 1, points);
      },
      set horizontalAlignment(v) {
        range._each((cell) => (cell.align = v));
      },
      set verticalAlignment(v) {
        range._each((cell) => (cell.valign = v));
      }
    };
  }
  clear(what) {
    if (this._rows >= 1048576) {
      if (what === "Contents") for (const cell of this._sheet.cells.values()) cell.value = null;
      else this._sheet.clear();
      return;
    }
    this._each((cell) => (what === "Contents" ? (cell.value = null) : Object.assign(cell, { value: null, format: "General", fill: null })));
  }
}

class NullRange extends Proxy_ {
  get isNullObject() {
    this._need("isNullObject");
    return true;
  }
}

class Chart extends Proxy_ {
  constructor(ctx, sheet, type, source, seriesBy) {
    super(ctx);
    Object.assign(this, { _sheet: sheet, type, source, seriesBy, name: "", left: 0, top: 0, width: 360, height: 216 });
    this.title = { text: "" };
    this.legend = { visible: true, position: "Right" };
    this.axes = {
      categoryAxis: { title: { text: "", visible: false }, setCategoryNames: (r) => (this.categories = r) },
      valueAxis: { title: { text: "", visible: false } }
    };
  }
  setPosition(cell) {
    this.anchor = cell;
  }
  delete() {
    this._sheet.charts.splice(this._sheet.charts.indexOf(this), 1);
  }
}

class Charts extends Proxy_ {
  constructor(ctx, sheet) {
    super(ctx);
    this._sheet = sheet;
  }
  get items() {
    this._need("name");
    return this._sheet.charts;
  }
  add(type, source, seriesBy) {
    const chart = new Chart(this._ctx, this._sheet, type, source, seriesBy);
    this._sheet.charts.push(chart);
    return chart;
  }
}

class Worksheet extends Proxy_ {
  constructor(ctx, sheet) {
    super(ctx);
    this._s = sheet;
    this.charts = new Charts(ctx, sheet);
    this.freezePanes = {
      unfreeze: () => (sheet.frozen = { rows: 0, columns: 0 }),
      freezeRows: (n) => (sheet.frozen = { rows: n, columns: 0 }),
      freezeColumns: (n) => (sheet.frozen = { rows: 0, columns: n }),
      freezeAt: (r) => (sheet.frozen = { rows: r._rows, columns: r._columns })
    };
  }
  get name() {
    this._need("name");
    return this._s.name;
  }
  set name(n) {
    this._s.name = n;
  }
  get visibility() {
    this._need("visibility");
    return this._s.visibility;
  }
  get position() {
    this._need("position");
    return this._ctx._book.sheets.indexOf(this._s);
  }
  set position(p) {
    const sheets = this._ctx._book.sheets;
    sheets.splice(sheets.indexOf(this._s), 1);
    sheets.splice(p, 0, this._s);
  }
  getUsedRangeOrNullObject() {
    const [rows, columns] = this._s.extent();
    return rows ? new Range(this._ctx, this._s, 0, 0, rows, columns) : new NullRange(this._ctx);
  }
  getRangeByIndexes(row, column, rows, columns) {
    return new Range(this._ctx, this._s, row, column, rows, columns);
  }
  getRange(address) {
    if (address === undefined) return new Range(this._ctx, this._s, 0, 0, 1048576, 16384);
    const [first, last] = address.split(":").map(parse);
    const end = last || first;
    return new Range(this._ctx, this._s, first.r - 1, first.c - 1, end.r - first.r + 1, end.c - first.c + 1);
  }
  activate() {
    this._ctx._book.active = this._ctx._book.sheets.indexOf(this._s);
  }
}

function parse(address) {
  const m = /^([A-Z]+)(\d+)$/.exec(address);
  let c = 0;
  for (const ch of m[1]) c = c * 26 + ch.charCodeAt(0) - 64;
  return { r: Number(m[2]), c };
}

/** A RequestContext over a zhenggai Book (grid.js). */
function context(book) {
  const ctx = { _book: book, _proxies: [], syncs: 0 };
  const wrap = (sheet) => new Worksheet(ctx, sheet);
  const worksheets = new Proxy_(ctx);
  Object.defineProperty(worksheets, "items", {
    get() {
      worksheets._need("name");
      return book.sheets.map(wrap).map((ws) => {
        ws._loaded = new Set(worksheets._loaded);
        return ws;
      });
    }
  });
  Object.assign(worksheets, {
    getActiveWorksheet: () => wrap(book.sheets[book.active]),
    getItem: (name) => wrap(book.sheets.find((s) => s.name === name)),
    add(name) {
      const sheet = new Sheet(name || "Sheet" + (book.sheets.length + 1));
      book.sheets.push(sheet);
      const ws = wrap(sheet);
      return ws;
    }
  });
  const workbook = new Proxy_(ctx);
  Object.defineProperty(workbook, "name", {
    get() {
      workbook._need("name");
      return book.name;
    }
  });
  workbook.worksheets = worksheets;
  ctx.workbook = workbook;
  ctx.sync = () => {
    ctx.syncs += 1;
    for (const p of ctx._proxies) for (const w of p._wanted) p._loaded.add(w);
    for (const s of book.sheets) for (const chart of s.charts) chart._loaded = new Set(["name", "left", "top", "width", "height"]);
    return Promise.resolve();
  };
  return ctx;
}

module.exports = { context, Book };
