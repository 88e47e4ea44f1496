import assert from "node:assert/strict";
import { test } from "node:test";
import type { Comparison } from "../profile/index.ts";
import { threadCheckApplies } from "../profile/intra-op-threads.ts";
import { threadCheckLine, threadCheckSentences, threadsVerdict, wantedThreads } from "../profile/thread-check.ts";
import type { ReportData } from "../reports/load-run.ts";
import { tableToMarkdown } from "../reports/report-table.ts";
import { threadsTable } from "../reports/threads-table.ts";
import { okRow, runResults } from "./report-fixtures.ts";

function threads(model: string, batch: number, precision: string, speedup: number, ci95: [number, number]): Comparison {
  const verdict = ci95[0] > 1 ? "faster" : ci95[1] < 1 ? "slower" : "no clear difference";
  return {
    kind: "threads",
    model,
    ep: "cpu",
    precision,
    batch,
    baseline: precision,
    variant: `${precision}@1t`,
    speedup,
    ci95,
    paired: true,
    pairs: 20,
    rounds: 2,
    verdict,
  };
}

function data(comparisons: Comparison[], settings: Record<string, unknown> = {}): ReportData {
  const rows = [okRow("lenet", "fp32", "cpu", 1, 0.12, { threads: { requested: 0, logicalCpus: 2, spinning: false } })];
  const results = runResults(rows, undefined, {}, comparisons);
  return {
    runDir: "/nonexistent",
    results: { ...results, settings: { ...results.settings, ...settings } },
    models: new Map(),
    extraModels: [],
    work: new Map(),
    ceilings: [],
  };
}

test("what a precision wants from its one-thread comparison, and whether a model's precisions agree", () => {
  assert.deepEqual(
    (["faster", "slower", "no clear difference"] as const).map((verdict) => wantedThreads({ verdict })),
    ["1 thread", "default", "either"],
  );
  assert.equal(threadsVerdict(["1 thread", "1 thread"]), "same: 1 thread");
  assert.equal(threadsVerdict(["default", "default"]), "same: default");
  assert.equal(threadsVerdict(["default", "1 thread"]), "different");
  assert.equal(threadsVerdict(["default", "either", "1 thread"]), "different");
  assert.equal(threadsVerdict(["default", "either"]), "not clear");
  assert.equal(threadsVerdict(["either", "either"]), "not clear");
});

test("the threads table: a row per model × EP × batch, a column per precision, what each wants and the sentence per batch", () => {
  const comparisons = [
    threads("lenet", 1, "fp32", 1.114, [1.079, 1.141]),
    threads("lenet", 32, "fp32", 0.618, [0.559, 0.683]),
    threads("lenet", 1, "int8", 1.234, [1.166, 1.34]),
    threads("lenet", 32, "int8", 1.268, [1.166, 1.376]),
  ];
  const t = threadsTable(data(comparisons));
  // the terminal prints the same sentences; other kinds of comparison are not the thread check's
  const precision: Comparison = { ...comparisons[0]!, kind: "precision", baseline: "fp32", variant: "int8", precision: "int8" };
  assert.deepEqual(threadCheckSentences([precision, ...comparisons]), t.notes.slice(0, 2));
  assert.equal(
    threadCheckLine(comparisons),
    "thread check (cpu, one intra-op thread vs ORT's default: the setting each precision wants, in how many models, and the one-thread speedups; table in the report): " +
      "batch 1: fp32 1 thread 1/1 (1.11×), int8 1 thread 1/1 (1.23×); batch 32: fp32 default 1/1 (0.62×), int8 1 thread 1/1 (1.27×), 1/1 models disagree",
  );
  assert.equal(threadCheckLine([precision]), undefined);
  assert.equal(
    tableToMarkdown(t),
    [
      "### Intra-op threads: one thread vs ORT's default",
      "",
      "| Model | EP | Batch | fp32: 1 thread vs default [95% CI] | int8: 1 thread vs default [95% CI] | Wants | Same or different |",
      "| --- | --- | ---: | --- | --- | --- | --- |",
      "| lenet | cpu | 1 | 1.11× [1.08–1.14] | 1.23× [1.17–1.34] | fp32: 1 thread, int8: 1 thread | same: 1 thread |",
      "| lenet | cpu | 32 | 0.62× [0.56–0.68] | 1.27× [1.17–1.38] | fp32: default, int8: 1 thread | different |",
      "",
      "- Batch 1: fp32 wants 1 thread in 1 of 1 (one thread 1.11× as fast as the default); int8 wants 1 thread in 1 of 1 (one thread 1.23× as fast as the default); no model has its precisions wanting different settings.",
      "- Batch 32: fp32 wants default in 1 of 1 (one thread 0.62× as fast as the default); int8 wants 1 thread in 1 of 1 (one thread 1.27× as fast as the default); 1 of 1 model(s) have precisions wanting different settings.",
      "- Each cell: the precision's session at one intra-op thread against the same file at ONNX Runtime's default (one thread per physical core; this machine has 2 logical CPUs), timed as interleaved pairs in the same window as the FP32-vs-INT8 comparison; > 1: one thread is faster. Wants: 1 thread when the 95% CI lies above 1, default when below, either when it covers 1. Same or different: whether the precisions of a model want the same setting there.",
      "",
    ].join("\n"),
  );
});

test("a run without the thread check says why and how to get it", () => {
  assert.deepEqual(threadsTable(data([], { threadCheck: false })).notes, [
    "This run was made with --no-thread-check: profile again without it to time each precision at one intra-op thread beside ORT's default on the CPU EP.",
  ]);
  assert.deepEqual(threadsTable(data([], { threadCheck: true })).notes, [
    "No thread check in this run: it runs on the CPU EP of a machine with more than one logical CPU (npm run profile -- --eps cpu).",
  ]);
  assert.deepEqual(threadsTable(data([])).notes, [
    "This run was made before the thread check existed: profile again (npm run profile) to time each precision at one intra-op thread beside ORT's default on the CPU EP.",
  ]);
  assert.deepEqual(threadsTable(data([])).rows, []);
});

test("the thread check runs on the CPU EP only, when enabled, with more than one logical CPU", () => {
  assert.deepEqual(
    [
      threadCheckApplies("cpu", true, 2),
      threadCheckApplies("cpu", true, 1),
      threadCheckApplies("cpu", false, 16),
      threadCheckApplies("webgpu", true, 16),
      threadCheckApplies("browser-wasm", true, 16),
    ],
    [true, false, false, false, false],
  );
});
