/* A small master in payload form and actions of the kinds the real handlers send. */
"use strict";

function book() {
  return {
    book: { name: "台账.xlsx", fullname: "/data/办公室/台账.xlsx" },
    sheets: [
      {
        name: "台账",
        values: [
          ["编号", "整改时限", "整改状态", "预警"],
          ["00123", "2026-06-30T00:00:00.000Z", "已完成", ""],
          [2, "2026-12-31T00:00:00.000Z", "正在整改", ""]
        ]
      },
      { name: "统计", values: [["旧内容"]] },
      { name: "_meta", visibility: "VeryHidden", values: [["created", "2026-11-01T10:00:00"]] },
      { name: "空表", values: [[]] }
    ]
  };
}

function at(sheet, row, column, rows, columns) {
  return { sheet_position: sheet, start_row: row, start_column: column, row_count: rows, column_count: columns };
}

function act(func, args, where = {}, values = null) {
  return Object.assign({ func, args, values, sheet_position: null, start_row: null, start_column: null, row_count: null, column_count: null }, where);
}

function actions() {
  return [
    act("setValues", [null], at(0, 1, 3, 2, 1), [["已逾期 5 天"], ["'30 天内到期"]]),
    act("setRangeColor", ["#FFC7CE"], at(0, 1, 3, 1, 1)),
    act("setRangeColor", [null], at(0, 2, 3, 1, 1)),
    act("setNumberFormat", ["yyyy-mm-dd hh:mm"], at(0, 1, 1, 2, 1)),
    act("addSheet", [2, "回头看"]),
    act("setValues", [null], at(2, 0, 0, 2, 2), [["编号", "完成时间"], ["'1", "2026-11-28 10:30:00"]]),
    act("sheetClear", [null], { sheet_position: 1 }),
    act("freezePaneUnfreeze", [null], { sheet_position: 1 }),
    act("setValues", [null], at(1, 0, 0, 3, 2), [["单位", "完成率"], ["办公室", 0.5], ["人事科", 1]]),
    act("setFontProperty", ["bold", true], at(1, 0, 0, 1, 2)),
    act("setFontProperty", ["name", "微软雅黑"], at(1, 0, 0, 1, 2)),
    act("setFontProperty", ["color", "#1F4E79"], at(1, 0, 0, 1, 2)),
    act("setWrapText", [true], at(1, 0, 0, 1, 2)),
    act("setBorderProperty", ["edge_top", "color", "#bfbfbf"], at(1, 0, 0, 1, 2)),
    act("setBorderProperty", ["edge_top", "weight", "thin"], at(1, 0, 0, 1, 2)),
    act("setBorderProperty", ["edge_top", "line_style", "continuous"], at(1, 0, 0, 1, 2)),
    act("freezePaneAtRange", ["A2"], { sheet_position: 1 }),
    act("setColumnWidth", [56.25], at(1, 0, 0, 1, 1)),
    act("addChart", ["Chart", "BarClustered", "统计", "$B$1:$B$3", null, null, 454, 255, "Columns", "$D$2", 227], { sheet_position: 1 }),
    act("setChartXAxisValues", [0, "统计", "$A$2:$A$3"], { sheet_position: 1 }),
    act("setChartTitle", [0, "各单位整改完成率"], { sheet_position: 1 }),
    act("setChartAxis", [0, "value", { title: "完成率" }], { sheet_position: 1 }),
    act("setChartLegend", [0, "visible", false], { sheet_position: 1 }),
    act("alert", ["逾期预警已完成。", "整改台账", "ok", "info", ""])
  ];
}

/** What every host must show after actions(), in values (dates as ISO text). */
const EXPECTED_VALUES = {
  台账: [
    ["编号", "整改时限", "整改状态", "预警"],
    ["00123", "2026-06-30", "已完成", "已逾期 5 天"],
    [2, "2026-12-31", "正在整改", "30 天内到期"]
  ],
  统计: [["单位", "完成率"], ["办公室", 0.5], ["人事科", 1]],
  回头看: [["编号", "完成时间"], ["1", "2026-11-28 10:30:00"]]
};

module.exports = { book, actions, act, at, EXPECTED_VALUES };
