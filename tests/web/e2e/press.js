/*
 * One button press from a web add-in, end to end under node: a STAND-IN
 * workbook (standins/, not Excel or WPS) is read by the real adapter, the
 * core posts it to a real `zhenggai serve` on 127.0.0.1, and the actions it
 * answers are applied through the adapter to the stand-in.
 *
 * Usage: node press.js HOST(wps|office) SERVER TOKEN TAG BOOK.json OUT.json
 * BOOK.json is the workbook in payload form (tests/xl_addin/payload.py);
 * OUT.json gets {actions, alerts, sheets} (sheets as the stand-in holds them).
 */
"use strict";

const fs = require("fs");
const http = require("http");
const Z = require("../../../xl_addin/web/core/zhenggai.js");
const { WpsAdapter } = require("../../../xl_addin/web/wps/js/adapter.js");
const { OfficeAdapter } = require("../../../xl_addin/web/officejs/adapter.js");
const wps = require("../standins/wps.js");
const office = require("../standins/office.js");

const [host, server, token, tag, bookFile, outFile] = process.argv.slice(2);

function transport(method, url, auth, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { Authorization: auth, "Content-Type": "application/json" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body === null ? undefined : body);
  });
}

async function main() {
  const payload = JSON.parse(fs.readFileSync(bookFile, "utf8"));
  const book = wps.Book.fromPayload(payload);
  const adapter =
    host === "wps" ? new WpsAdapter(wps.application(book)) : new OfficeAdapter(office.context(book), payload.book.fullname);
  let actions = null;
  const recording = (method, url, auth, body) =>
    transport(method, url, auth, body).then((res) => {
      if (res.status === 200) actions = JSON.parse(res.body).actions;
      return res;
    });
  const result = await Z.run({ server, token, tag, adapter, transport: recording });
  fs.writeFileSync(outFile, JSON.stringify({ actions, alerts: result.alerts, sheets: book.dump() }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exitCode = 1;
});
