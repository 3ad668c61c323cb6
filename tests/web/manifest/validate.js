/*
 * Check an Office add-in XML manifest with Microsoft's own tools, offline:
 *
 *   1. office-addin-manifest-converter reads the XML manifest (its VersionOverrides
 *      included: tab, groups, buttons, actions, resources) and converts it to the
 *      unified JSON manifest, as Microsoft's tooling does for Microsoft 365;
 *   2. office-addin-manifest's validateManifest() checks that JSON against the
 *      JSON schema bundled in @microsoft/app-manifest (no network).
 *
 * `office-addin-manifest validate manifest.xml` itself posts the XML to a
 * Microsoft web service, which this machine cannot reach; see the README.
 *
 * Usage: node tests/web/manifest/validate.js MANIFEST.xml OUT_FOLDER
 * Prints a JSON report {ok, errors, json} and exits 1 when the manifest is not valid.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const { convert } = require("office-addin-manifest-converter");
const { validateManifest } = require("office-addin-manifest");

async function main(xml, out) {
  const report = { ok: false, errors: [], json: path.join(out, "manifest.json") };
  try {
    await convert(xml, out, false);
  } catch (error) {
    report.errors.push("conversion: " + (error && error.message ? error.message : String(error)));
    return report;
  }
  if (!fs.existsSync(report.json)) {
    report.errors.push("conversion wrote no manifest.json");
    return report;
  }
  try {
    const validation = await validateManifest(report.json);
    report.ok = Boolean(validation.isValid);
    if (validation.report && validation.report.errors) {
      report.errors = validation.report.errors.map((e) => String(e.content || e.title || e));
    }
  } catch (error) {
    report.errors.push("validation: " + (error && error.message ? error.message : String(error)));
  }
  return report;
}

main(process.argv[2], process.argv[3]).then((report) => {
  process.stdout.write(JSON.stringify(report) + "\n");
  process.exitCode = report.ok ? 0 : 1;
});
