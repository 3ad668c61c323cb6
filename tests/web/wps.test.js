/* The WPS adapter against a STAND-IN of WPS 表格's object model (standins/wps.js), not WPS itself. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const Z = require("../../xl_addin/web/core/zhenggai.js");
const { WpsAdapter } = require("../../xl_addin/web/wps/js/adapter.js");
const { application, Book } = require("./standins/wps.js");
const sample = require("./sample.js");

test("readBook sends values from A1, dates as ISO text, text kept as text", async () => {
  const book = Book.fromPayload(sample.book());
  const payload = Z.buildPayload(await new WpsAdapter(application(book)).readBook(), "WPS");
  assert.equal(payload.client, "WPS");
  assert.deepEqual(payload.book, { name: "台账.xlsx", fullname: "/data/办公室/台账.xlsx", active_sheet_index: 0, selection: "A1" });
  assert.deepEqual(payload.sheets.map((s) => [s.name, s.visibility]), [["台账", "Visible"], ["统计", "Visible"], ["_meta", "VeryHidden"], ["空表", "Visible"]]);
  assert.deepEqual(payload.sheets[0].values, sample.book().sheets[0].values);
  assert.deepEqual(payload.sheets[2].values, [["created", "2026-11-01T10:00:00"]]);
  assert.deepEqual(payload.sheets[3].values, [[]]);
});

test("every kind of action the handlers send lands in the workbook", async () => {
  const book = Book.fromPayload(sample.book());
  const adapter = new WpsAdapter(application(book));
  await adapter.readBook();
  const result = await Z.applyActions(adapter, sample.actions());
  assert.deepEqual(result.alerts, [{ text: "逾期预警已完成。", error: false }]);
  const values = Object.fromEntries(book.dump().map((s) => [s.name, s.values]));
  for (const [name, grid] of Object.entries(sample.EXPECTED_VALUES)) assert.deepEqual(values[name], grid, name);
  assert.deepEqual(book.sheets.map((s) => s.name), ["台账", "统计", "回头看", "_meta", "空表"]);
  const ledger = book.sheet("台账");
  assert.equal(ledger.peek(2, 4).fill, Z.hexToBgr("#FFC7CE"));
  assert.equal(ledger.peek(3, 4).fill, null);
  assert.equal(ledger.peek(2, 2).format, "yyyy-mm-dd hh:mm");
  const stats = book.sheet("统计");
  assert.deepEqual(stats.peek(1, 1).font, { Bold: true, Name: "微软雅黑", Color: Z.hexToBgr("#1F4E79") });
  assert.deepEqual(stats.peek(1, 2).borders[8], { Color: Z.hexToBgr("#bfbfbf"), Weight: 2, LineStyle: 1 });
  assert.equal(stats.peek(1, 1).wrap, true);
  assert.deepEqual(stats.frozen, { rows: 1, columns: 0 });
  assert.equal(book.active, 0, "freezing panes gave the user's sheet back");
  assert.equal(stats.widths.get(1), 10); // 56.25 points = 75 pixels = 10 characters
  const [chart] = stats.charts;
  assert.equal(chart.Name, "Chart");
  assert.equal(chart.Chart.ChartType, 57);
  assert.equal(chart.Chart.ChartTitle.Text, "各单位整改完成率");
  assert.equal(chart.Chart.axes[2].AxisTitle.Text, "完成率");
  assert.equal(chart.Chart.HasLegend, false);
  assert.deepEqual([chart.Chart.series[0].XValues.r1, chart.Chart.series[0].XValues.r2], [2, 3]);
  assert.deepEqual([chart.Left, chart.Top], [3 * 48, 15]);
});

test("deleteChart removes the chart xlwings counts by position", async () => {
  const book = Book.fromPayload(sample.book());
  const adapter = new WpsAdapter(application(book));
  await adapter.readBook();
  const add = sample.actions().find((a) => a.func === "addChart");
  await Z.applyActions(adapter, [add, add, sample.act("deleteChart", [0], { sheet_position: 1 })]);
  assert.equal(book.sheet("统计").charts.length, 1);
});
