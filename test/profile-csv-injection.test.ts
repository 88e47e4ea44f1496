import { test } from "node:test";
import assert from "node:assert/strict";
import { csvCell, neutraliseFormula } from "../formats/csv-cell.ts";
import { rowsToCsv } from "../profile/results-csv.ts";
import { tableToCsv } from "../reports/report-table.ts";
import { okRow } from "./report-fixtures.ts";

test("text cells starting with =, +, -, @, tab or CR get a leading quote; numbers and other text do not", () => {
  assert.deepEqual(["=HYPERLINK(1)", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "lenet", "a=b"].map(neutraliseFormula), [
    "'=HYPERLINK(1)",
    "'+1",
    "'-cmd",
    "'@SUM(A1)",
    "'\tx",
    "'\rx",
    "lenet",
    "a=b",
  ]);
  assert.equal(csvCell(-1.5), "-1.5");
  assert.equal(csvCell("=1,2"), `"'=1,2"`);
  assert.equal(csvCell(null), "");
});

test("results.csv neutralises a model named =HYPERLINK(1) and keeps negative numbers", () => {
  const csv = rowsToCsv([okRow("=HYPERLINK(1)", "fp32", "cpu", 1, 0.5)]);
  const line = csv.split("\n")[1] ?? "";
  assert.equal(line.split(",")[0], "'=HYPERLINK(1)");
  const csv2 = rowsToCsv([
    {
      key: "m|fp32|cpu|1",
      model: "m",
      precision: "fp32",
      ep: "cpu",
      batch: 1,
      onnxPath: "/x",
      finishedAt: "t",
      state: "errored",
      error: "-1 is bad",
      exitCode: -1,
      signal: null,
      stderrTail: "",
    },
  ]);
  assert.match(csv2.split("\n")[1] ?? "", /,'-1 is bad,-1,$/);
});

test("report tables' CSV neutralises text cells", () => {
  const csv = tableToCsv({
    id: "t",
    title: "t",
    columns: [
      { key: "m", header: "Model" },
      { key: "d", header: "Δ", digits: 2 },
    ],
    rows: [{ m: "@evil", d: -0.25 }],
    notes: [],
  });
  assert.equal(csv, "Model,Δ\n'@evil,-0.25\n");
});
