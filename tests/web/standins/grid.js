/*
 * STAND-IN, NOT A SPREADSHEET: the cell store behind the test stand-ins of
 * Excel's Office.js object model (office.js) and WPS 表格's object model
 * (wps.js). It keeps what the add-ins read and write (values, number formats,
 * fills, fonts, borders, widths, panes, charts) and types entered values as
 * Excel does when a user types them: a leading apostrophe keeps text, ISO
 * date text becomes a date serial, number text a number.
 */
"use strict";

const EPOCH = Date.UTC(1899, 11, 30);
const DAY = 86400000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const ISO_Z = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;
const NUMBER = /^[-+]?\d+(\.\d+)?$/;

function serial(y, mo, d, h = 0, mi = 0, s = 0) {
  return (Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - EPOCH) / DAY;
}

function isDateFormat(fmt) {
  return typeof fmt === "string" && /[yd]/i.test(fmt.replace(/"[^"]*"/g, "")) && fmt !== "General";
}

class Sheet {
  constructor(name, visibility = "Visible") {
    this.name = name;
    this.visibility = visibility;
    this.cells = new Map(); // "r,c" (1-based) -> {value, format, fill, font, borders, wrap}
    this.widths = new Map(); // column -> width in the host's unit
    this.frozen = { rows: 0, columns: 0 };
    this.charts = [];
  }

  cell(r, c) {
    const key = r + "," + c;
    if (!this.cells.has(key)) this.cells.set(key, { value: null, format: "General", fill: null, font: {}, borders: {}, wrap: false });
    return this.cells.get(key);
  }

  peek(r, c) {
    return this.cells.get(r + "," + c);
  }

  /** Store value in (r, c) as Excel stores what is typed. */
  enter(r, c, value) {
    const cell = this.cell(r, c);
    if (value === null || value === undefined || value === "") {
      cell.value = null;
      return;
    }
    if (typeof value !== "string") {
      cell.value = value;
      return;
    }
    if (value.startsWith("'")) {
      cell.value = value.slice(1);
      return;
    }
    let m;
    if ((m = ISO_DATE.exec(value))) {
      cell.value = serial(m[1], m[2], m[3]);
      if (cell.format === "General") cell.format = "yyyy/m/d";
    } else if ((m = ISO_DATETIME.exec(value))) {
      cell.value = serial(m[1], m[2], m[3], m[4], m[5], m[6]);
      if (cell.format === "General") cell.format = "yyyy/m/d h:mm";
    } else if (NUMBER.test(value)) {
      cell.value = Number(value);
    } else {
      cell.value = value;
    }
  }

  /** Load a sheet as the payload of tests/xl_addin/payload.py describes it. */
  load(values) {
    values.forEach((row, i) =>
      row.forEach((v, j) => {
        const m = typeof v === "string" ? ISO_Z.exec(v) : null;
        if (m) {
          const cell = this.cell(i + 1, j + 1);
          cell.value = serial(m[1], m[2], m[3], m[4], m[5], m[6]);
          cell.format = "yyyy-mm-dd";
        } else if (v !== "" && v !== null) {
          this.cell(i + 1, j + 1).value = v;
        }
      })
    );
  }

  /** Last row and column holding a value (0, 0 when none). */
  extent() {
    let rows = 0;
    let columns = 0;
    for (const [key, cell] of this.cells) {
      if (cell.value === null) continue;
      const [r, c] = key.split(",").map(Number);
      rows = Math.max(rows, r);
      columns = Math.max(columns, c);
    }
    return [rows, columns];
  }

  clear() {
    this.cells.clear();
  }

  /** Values from A1 as plain JSON: dates as "YYYY-MM-DD[ HH:MM:SS]" text. */
  dump() {
    const [rows, columns] = this.extent();
    const out = [];
    for (let r = 1; r <= rows; r++) {
      const row = [];
      for (let c = 1; c <= columns; c++) {
        const cell = this.peek(r, c);
        row.push(cell ? shown(cell) : null);
      }
      out.push(row);
    }
    return out;
  }
}

function shown(cell) {
  if (cell.value === null || typeof cell.value !== "number" || !isDateFormat(cell.format)) return cell.value;
  const d = new Date(EPOCH + Math.round(cell.value * DAY));
  const iso = d.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
}

class Book {
  constructor(name, fullname) {
    this.name = name;
    this.fullname = fullname;
    this.sheets = [];
    this.active = 0;
    this.alerts = [];
  }

  /** A book from {name, fullname, sheets: [{name, visibility, values}]} (payload form). */
  static fromPayload(payload) {
    const book = new Book(payload.book.name, payload.book.fullname || payload.book.name);
    for (const s of payload.sheets) {
      const sheet = new Sheet(s.name, s.visibility || "Visible");
      sheet.load(s.values || []);
      book.sheets.push(sheet);
    }
    return book;
  }

  sheet(name) {
    return this.sheets.find((s) => s.name === name);
  }

  dump() {
    return this.sheets.map((s) => ({ name: s.name, values: s.dump(), charts: s.charts.length }));
  }
}

module.exports = { Book, Sheet, isDateFormat, serial };
