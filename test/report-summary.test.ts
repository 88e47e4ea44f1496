import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadReportData } from "../reports/load-run.ts";
import { precisionTable } from "../reports/precision-table.ts";
import { tableToMarkdown } from "../reports/report-table.ts";
import { summarySentences, int8SpeedupTable } from "../reports/summary-section.ts";
import { okRow, trainRecord, writeFixtureRun } from "./report-fixtures.ts";

async function fixture(withComparisons: boolean) {
  const { runDir } = await writeFixtureRun(
    [
      okRow("lenet", "fp32", "cpu", 1, 0.06),
      okRow("lenet", "int8", "cpu", 1, 0.04),
      okRow("lenet", "fp32", "webgpu", 1, 30),
      okRow("lenet", "int8", "webgpu", 1, 31),
      okRow("fcnn", "fp32", "cpu", 1, 0.02, { params: 10_000, accuracyPerMParams: 9_800 }),
      okRow("fcnn", "int8", "cpu", 1, 0.01, { params: 10_000 }),
    ],
    { lenet: trainRecord("lenet"), fcnn: trainRecord("fcnn") },
  );
  if (withComparisons) {
    const file = join(runDir, "results.json");
    const results = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    results.comparisons = [
      {
        kind: "precision" as const,
        precision: "int8",
        model: "lenet",
        ep: "cpu",
        batch: 1,
        baseline: "fp32",
        variant: "int8",
        speedup: 1.45,
        ci95: [1.38, 1.52],
        paired: true,
        pairs: 40,
        rounds: 2,
        verdict: "faster",
      },
      {
        kind: "precision" as const,
        precision: "int8",
        model: "lenet",
        ep: "webgpu",
        batch: 1,
        baseline: "fp32",
        variant: "int8",
        speedup: 0.98,
        ci95: [0.9, 1.05],
        paired: true,
        pairs: 10,
        rounds: 2,
        verdict: "no clear difference",
      },
    ];
    await writeFile(file, JSON.stringify(results));
  }
  return loadReportData(runDir);
}

test("the summary names the fastest EP per model, the INT8 speedup range per EP and the most efficient model", async () => {
  const data = await fixture(true);
  assert.deepEqual(summarySentences(data), [
    "Fastest EP per model (lowest p50 at the smallest batch): lenet on cpu (0.0600 ms), fcnn on cpu (0.0200 ms).",
    "INT8 speedup over FP32, range over models and batches: cpu 1.45×–2.00×; webgpu 0.98×–0.98× (per row with its CI in the table below).",
    "Most efficient model (accuracy per million parameters): fcnn, 9800.0 %/M at 98.00% top-1.",
    "EPs that could not start here: cuda (no GPU).",
  ]);
  const md = tableToMarkdown(int8SpeedupTable(data));
  assert.match(md, /\| lenet \| 1 \| 1\.45 \| 1\.38–1\.52 \| 0\.98 \| 0\.90–1\.05 \(no clear difference\) \|/);
  assert.match(md, /\| fcnn \| 1 \| 2\.00 \| unpaired \| {2}\| {2}\|/);
});

test("the FP32 vs INT8 table takes the paired speedup and its CI when the run has one, else marks the ratio unpaired", async () => {
  const paired = precisionTable(await fixture(true));
  assert.deepEqual(
    paired.rows.map((r) => [r.model, r.ep, r.speedup, r.ci, r.verdict]),
    [
      ["lenet", "cpu", 1.45, "1.38–1.52", "faster"],
      ["lenet", "webgpu", 0.98, "0.90–1.05", "no clear difference"],
      ["fcnn", "cpu", 2, "unpaired", null],
    ],
  );
  const unpaired = precisionTable(await fixture(false));
  assert.deepEqual(
    unpaired.rows.map((r) => [r.model, r.ep, r.ci]),
    [
      ["lenet", "cpu", "unpaired"],
      ["lenet", "webgpu", "unpaired"],
      ["fcnn", "cpu", "unpaired"],
    ],
  );
});
