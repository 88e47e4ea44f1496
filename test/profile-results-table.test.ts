import { test } from "node:test";
import assert from "node:assert/strict";
import { renderResultsTable } from "../reports/terminal/results-table.ts";
import { noOkRowsMessage } from "../profile/run-outcome.ts";
import type { ResultRow } from "../formats/run/results-schema.ts";
import { okRow, runResults } from "./report-fixtures.ts";

const skipped = (model: string, precision: string, batch: number): ResultRow => ({
  key: `${model}|${precision}|cuda|${batch}`,
  model,
  precision,
  ep: "cuda",
  batch,
  onnxPath: "/x",
  finishedAt: "t",
  state: "skipped",
  reason: "no GPU",
  fix: "install CUDA",
});
const errored: ResultRow = {
  key: "basic-cnn|fp32|cpu|1",
  model: "basic-cnn",
  precision: "fp32",
  ep: "cpu",
  batch: 1,
  onnxPath: "/x",
  finishedAt: "t",
  state: "errored",
  error: "child exited with code 1: boom",
  exitCode: 1,
  signal: null,
  stderrTail: "",
};

function fixture() {
  const rows: ResultRow[] = [
    okRow("lenet", "fp32", "cpu", 1, 0.0612),
    okRow("lenet", "int8", "cpu", 1, 0.0421, { accuracy: { top1: 0.9795, count: 100, dataset: "mnist" } }),
    okRow("lenet", "fp32", "cpu", 32, 1.21),
    okRow("lenet", "int8", "cpu", 32, 0.99),
    okRow("fcnn", "fp32", "cpu", 1, 0.03),
    okRow("fcnn", "int8", "cpu", 1, 0.0301),
    skipped("lenet", "fp32", 1),
    skipped("lenet", "int8", 1),
    skipped("lenet", "fp32", 32),
    skipped("lenet", "int8", 32),
    errored,
  ];
  return {
    ...runResults(rows),
    comparisons: [
      {
        kind: "precision" as const,
        precision: "int8",
        model: "lenet",
        ep: "cpu",
        batch: 1,
        baseline: "fp32",
        variant: "int8",
        speedup: 1.4536,
        ci95: [1.381, 1.523] as [number, number],
        paired: true,
        pairs: 40,
        rounds: 2,
        verdict: "faster" as const,
      },
      {
        kind: "precision" as const,
        precision: "int8",
        model: "fcnn",
        ep: "cpu",
        batch: 1,
        baseline: "fp32",
        variant: "int8",
        speedup: 0.99,
        ci95: [0.95, 1.04] as [number, number],
        paired: true,
        pairs: 40,
        rounds: 2,
        verdict: "no clear difference" as const,
      },
    ],
  };
}

test("the compact table lists a skipped EP once above it, pivots FP32 beside INT8 with paired or unpaired speedups, and fits 120 columns", () => {
  const text = renderResultsTable(fixture());
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(1, 10), [
    "EP cuda skipped (4 rows not measured): no GPU",
    "    fix: install CUDA",
    "",
    "model      batch  EP   fp32 ms  int8 ms  int8 speedup       verdict              top-1 %  int8 Δpp",
    "---------  -----  ---  -------  -------  -----------------  -------------------  -------  --------",
    "lenet          1  cpu   0.0612   0.0421  1.45× [1.38–1.52]  faster                 98.00     -0.05",
    "              32  cpu     1.21    0.990  1.22× unpaired     unpaired (no CI)       98.00     +0.00",
    "fcnn           1  cpu   0.0300   0.0301  0.99× [0.95–1.04]  no clear difference    98.00     +0.00",
    "basic-cnn      1  cpu  errored        -  -                  -                          -         -",
  ]);
  assert.ok(lines.includes("1 row errored: child exited with code 1: boom [basic-cnn|fp32|cpu|1]"), text);
  const longest = Math.max(...lines.map((l) => l.length));
  assert.ok(longest <= 120, `a line is ${longest} columns`);
  assert.doesNotMatch(text, /\| cuda|cuda\s+\d/);
});

test("a compact table wider than the terminal says so", () => {
  const text = renderResultsTable(fixture(), { width: 90 });
  assert.ok(text.split("\n").includes("note: this table is 98 columns wide (more than 90): each precision beyond fp32 adds 3"), text);
  assert.doesNotMatch(renderResultsTable(fixture()), /^note: this table/m);
});

test("--wide keeps every row, skipped ones included", () => {
  const text = renderResultsTable(fixture(), { wide: true });
  assert.equal(text.split("\n").filter((l) => /│ cuda /.test(l)).length, 4);
  assert.match(text, /acc%\/Mparam/);
});

test("a run with no ok row gets the exit message; one ok row is enough", () => {
  assert.equal(
    noOkRowsMessage({ rows: [errored, skipped("lenet", "fp32", 1)] }),
    "error: no row was measured (1 errored, 1 skipped of 2); exit status 1. The table above and results.json give each row's error or reason.",
  );
  assert.equal(noOkRowsMessage({ rows: [errored, okRow("lenet", "fp32", "cpu", 1, 1)] }), undefined);
});
