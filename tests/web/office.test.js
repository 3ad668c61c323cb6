/* The Office.js adapter against a STAND-IN of Excel's JavaScript API (standins/office.js), not Excel. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const Z = require("../../xl_addin/web/core/zhenggai.js");
const { OfficeAdapter, CHUNK } = require("../../xl_addin/web/officejs/adapter.js");
const { context, Book } = require("./standins/office.js");
const sample = require("./sample.js");

test("readBook loads before it reads and sends values from A1, dates as ISO text", async () => {
  const book = Book.fromPayload(sample.book());
  const payload = Z.buildPayload(await new OfficeAdapter(context(book), "C:\\办公室\\台账.xlsx").readBook(), "Office.js");
  assert.equal(payload.book.fullname, "C:\\办公室\\台账.xlsx");
  assert.equal(payload.book.name, "台账.xlsx");
  assert.deepEqual(payload.sheets[0].values, sample.book().sheets[0].values);
  assert.equal(payload.sheets[2].visibility, "VeryHidden");
  assert.deepEqual(payload.sheets[3].values, [[]]);
});

test("every kind of action the handlers send lands in the workbook", async () => {
  const book = Book.fromPayload(sample.book());
  const ctx = context(book);
  const adapter = new OfficeAdapter(ctx, null);
  await adapter.readBook();
  const result = await Z.applyActions(adapter, sample.actions());
  assert.deepEqual(result.alerts, [{ text: "逾期预警已完成。", error: false }]);
  const values = Object.fromEntries(book.dump().map((s) => [s.name, s.values]));
  for (const [name, grid] of Object.entries(sample.EXPECTED_VALUES)) assert.deepEqual(values[name], grid, name);
  assert.deepEqual(book.sheets.map((s) => s.name), ["台账", "统计", "回头看", "_meta", "空表"]);
  assert.equal(book.sheet("台账").peek(2, 4).fill, "#FFC7CE");
  assert.equal(book.sheet("台账").peek(3, 4).fill, null);
  const stats = book.sheet("统计");
  assert.deepEqual(stats.peek(1, 1).font, { bold: true, name: "微软雅黑", color: "#1F4E79" });
  assert.deepEqual(stats.peek(1, 2).borders.EdgeTop, { color: "#bfbfbf", weight: "Thin", style: "Continuous" });
  assert.deepEqual(stats.frozen, { rows: 1, columns: 0 });
  assert.equal(stats.widths.get(1), 56.25);
  const [chart] = stats.charts;
  assert.equal(chart.type, "BarClustered");
  assert.equal(chart.title.text, "各单位整改完成率");
  assert.equal(chart.axes.valueAxis.title.text, "完成率");
  assert.equal(chart.legend.visible, false);
  assert.equal(chart.anchor._r, 1);
  assert.ok(ctx.syncs >= 3, "structural changes are synced");
});

test("long columns are read and written in blocks Excel on the web accepts", async () => {
  const rows = CHUNK * 2 + 5;
  const values = [["编号"]].concat(Array.from({ length: rows - 1 }, (_, i) => [i + 1]));
  const book = Book.fromPayload({ book: { name: "大.xlsx" }, sheets: [{ name: "台账", values }] });
  const adapter = new OfficeAdapter(context(book), null);
  const read = await adapter.readBook();
  assert.equal(read.sheets[0].values.length, rows);
  const down = values.map((r) => ["'" + r[0]]);
  await Z.applyActions(adapter, [sample.act("setValues", [null], sample.at(0, 0, 1, rows, 1), down)]);
  assert.equal(book.sheet("台账").peek(rows, 2).value, String(rows - 1));
});
