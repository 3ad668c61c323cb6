/* The host-neutral core: payload, dispatch, the server's answers. Run: node --test tests/web */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const Z = require("../../xl_addin/web/core/zhenggai.js");

test("isoDate turns Excel serials into the text xlwings' clients send", () => {
  assert.equal(Z.isoDate(46203), "2026-06-30T00:00:00.000Z");
  assert.equal(Z.isoDate(46203.4375), "2026-06-30T10:30:00.000Z");
  assert.equal(Z.isoDate(0.5), "1899-12-30T12:00:00.000Z");
});

test("parseCell and hexToBgr", () => {
  assert.deepEqual(Z.parseCell("$K$2"), { row: 2, column: 11 });
  assert.deepEqual(Z.parseCell("AA10"), { row: 10, column: 27 });
  assert.equal(Z.hexToBgr("#FFC7CE"), 0xce * 65536 + 0xc7 * 256 + 0xff);
  assert.equal(Z.tagOf("zhenggai.flag_overdue"), "flag_overdue");
  assert.equal(Z.tagOf("zhenggai_make_templates"), "make_templates");
});

test("buildPayload has every key xlwings' JSON engine reads", () => {
  const p = Z.buildPayload({ name: "台账.xlsx", fullname: "C:\\台账.xlsx", activeSheetIndex: 1, sheets: [{ name: "S", values: [] }] }, "WPS");
  assert.deepEqual(Object.keys(p).sort(), ["book", "client", "names", "sheets", "version"]);
  assert.deepEqual(p.book, { name: "台账.xlsx", fullname: "C:\\台账.xlsx", active_sheet_index: 1, selection: "A1" });
  assert.deepEqual(p.sheets[0], { name: "S", visibility: "Visible", values: [[]], pictures: [], tables: [], charts: [] });
});

test("applyActions dispatches by name, collects alerts, refuses unknown actions", async () => {
  const seen = [];
  const adapter = { setValues: (a) => seen.push(a.func), flush: () => Promise.resolve(seen.push("flush")) };
  const result = await Z.applyActions(adapter, [
    { func: "setValues", args: [] },
    { func: "alert", args: ["完成", "整改台账", "ok", "critical", ""] }
  ]);
  assert.deepEqual(seen, ["setValues", "flush"]);
  assert.deepEqual(result, { alerts: [{ text: "完成", error: true }], applied: 1 });
  await assert.rejects(Z.applyActions(adapter, [{ func: "addPivotTable", args: [] }]), /addPivotTable/);
});

function adapterOf(book) {
  return { client: "WPS", readBook: () => Promise.resolve(book), flush: () => Promise.resolve() };
}

test("run posts the payload with the token and shows the server's refusal", async () => {
  const sent = [];
  const transport = (method, url, token, body) => {
    sent.push({ method, url, token, body: JSON.parse(body) });
    return Promise.resolve({ status: 409, body: JSON.stringify({ detail: "“台账.xlsx”正在运行“一键汇总”，请等它完成后再点按钮。" }) });
  };
  const book = { name: "台账.xlsx", sheets: [{ name: "S", values: [[1]] }] };
  const result = await Z.run({ server: "http://127.0.0.1:1", token: "t0k", tag: "consolidate", adapter: adapterOf(book), transport });
  assert.equal(sent[0].url, "http://127.0.0.1:1/zhenggai/run/consolidate");
  assert.equal(sent[0].token, "t0k");
  assert.equal(sent[0].body.client, "WPS");
  assert.deepEqual(result, { alerts: [{ text: "“台账.xlsx”正在运行“一键汇总”，请等它完成后再点按钮。", error: true }], applied: 0 });
});

test("run says how to start the server when it cannot be reached", async () => {
  const transport = () => Promise.reject(new Error("ECONNREFUSED"));
  const result = await Z.run({ server: "http://localhost:18470", token: "t", tag: "review", adapter: adapterOf({ name: "a.xlsx", sheets: [] }), transport });
  assert.match(result.alerts[0].text, /zhenggai serve/);
});
