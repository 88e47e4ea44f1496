import assert from "node:assert/strict";
import { test } from "node:test";
import type { Comparison } from "../formats/run/results-schema.ts";
import { threadCheckApplies } from "../profile/intra-op-threads.ts";
import { rungOf, scalingCurve, threadCheckLine, threadCheckSentences, threadsVerdict, wantedThreads } from "../reports/thread-check.ts";
import type { ReportData } from "../reports/load-run.ts";
import { tableToMarkdown } from "../reports/report-table.ts";
import { threadScalingPoints, threadsTable } from "../reports/threads-table.ts";
import { okRow, runResults } from "./report-fixtures.ts";

function rung(model: string, batch: number, precision: string, threads: number, speedup: number, ci95: [number, number]): Comparison {
  const verdict = ci95[0] > 1 ? "faster" : ci95[1] < 1 ? "slower" : "no clear difference";
  return {
    kind: "threads",
    model,
    ep: "cpu",
    precision,
    batch,
    baseline: precision,
    variant: `${precision}@${threads}t`,
    speedup,
    ci95,
    paired: true,
    pairs: 20,
    rounds: 2,
    verdict,
  };
}

function data(comparisons: Comparison[], settings: Record<string, unknown> = {}): ReportData {
  const threads = { requested: 2, logicalCpus: 2, spinning: false, used: 2, usedFrom: "read back" as const, ortDefault: 1, ladder: [1, 2] };
  const rows = [okRow("lenet", "fp32", "cpu", 1, 0.12, { threads })];
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

test("what a model × precision wants from its ladder: the fastest rung when it beats the default, default when every rung loses, else either", () => {
  assert.equal(wantedThreads([rung("m", 1, "fp32", 2, 1.65, [1.6, 1.7])]), "2 threads");
  assert.equal(wantedThreads([rung("m", 1, "fp32", 1, 1.2, [1.1, 1.3]), rung("m", 1, "fp32", 8, 0.7, [0.6, 0.8])]), "1 thread");
  assert.equal(wantedThreads([rung("m", 1, "fp32", 1, 0.3, [0.2, 0.4]), rung("m", 1, "fp32", 8, 0.9, [0.85, 0.95])]), "default");
  assert.equal(wantedThreads([rung("m", 1, "fp32", 1, 0.3, [0.2, 0.4]), rung("m", 1, "fp32", 8, 1.01, [0.95, 1.05])]), "either");
  assert.equal(threadsVerdict(["2 threads", "2 threads"]), "same: 2 threads");
  assert.equal(threadsVerdict(["default", "2 threads"]), "different");
  assert.equal(threadsVerdict(["default", "either"]), "not clear");
  assert.equal(rungOf({ variant: "int8-all@16t" }), 16);
  assert.throws(() => rungOf({ variant: "int8" }), { message: 'Not a thread-ladder variant: "int8" (expected <precision>@<N>t)' });
  assert.equal(scalingCurve([rung("m", 1, "fp32", 8, 1.086, [1, 1.2]), rung("m", 1, "fp32", 1, 0.35, [0.3, 0.4])]), "1t 0.35×, 8t 1.09×");
});

test("the threads table: a row per model × EP × batch × precision, a column per rung (ORT's default's rung marked), the fastest setting and the sentences", () => {
  const comparisons = [
    rung("lenet", 1, "fp32", 2, 1.114, [1.079, 1.141]),
    rung("lenet", 32, "fp32", 2, 1.65, [1.6, 1.71]),
    rung("lenet", 1, "int8", 2, 0.97, [0.9, 1.03]),
    rung("lenet", 32, "int8", 2, 1.23, [1.2, 1.26]),
  ];
  const t = threadsTable(data(comparisons));
  const precision: Comparison = { ...comparisons[0]!, kind: "precision", baseline: "fp32", variant: "int8", precision: "int8" };
  assert.deepEqual(threadCheckSentences([precision, ...comparisons]), t.notes.slice(0, 2));
  assert.equal(
    threadCheckLine(comparisons, 1),
    "thread check (cpu, intra-op threads 2 vs ORT's default (1 thread), paired; the setting each precision wants, in how many models, and the fastest setting's speedup over the default; " +
      "the rows above are each at their fastest setting; curves in the report): " +
      "batch 1: fp32 2 threads 1/1 (1.11×), int8 either 1/1 (1.00×); batch 32: fp32 2 threads 1/1 (1.65×), int8 2 threads 1/1 (1.23×)",
  );
  assert.equal(threadCheckLine([precision]), undefined);
  // the scaling curve: ORT's default (1 thread here) at 1×, each rung at its speedup
  assert.deepEqual(threadScalingPoints(data(comparisons.slice(0, 1))), [
    { series: "lenet fp32 b1", model: "lenet", precision: "fp32", batch: 1, threads: 1, speedup: 1 },
    { series: "lenet fp32 b1", model: "lenet", precision: "fp32", batch: 1, threads: 2, speedup: 1.114 },
  ]);
  assert.equal(
    tableToMarkdown(t),
    [
      "### Intra-op threads: the thread ladder vs ORT's default",
      "",
      "| Model | EP | Batch | Precision | 1 thread vs default \\[95% CI\\] | 2 threads vs default \\[95% CI\\] | Fastest (the row's setting) | Wants | Precisions: same or different |",
      "| --- | --- | ---: | --- | --- | --- | --- | --- | --- |",
      "| lenet | cpu | 1 | fp32 | 1.00× (default) | 1.11× \\[1.08–1.14\\] | 2 threads: 1.11× \\[1.08–1.14\\] | 2 threads | not clear |",
      "| lenet | cpu | 32 | fp32 | 1.00× (default) | 1.65× \\[1.60–1.71\\] | 2 threads: 1.65× \\[1.60–1.71\\] | 2 threads | same: 2 threads |",
      "| lenet | cpu | 1 | int8 | 1.00× (default) | 0.97× \\[0.90–1.03\\] | ORT's default | either | not clear |",
      "| lenet | cpu | 32 | int8 | 1.00× (default) | 1.23× \\[1.20–1.26\\] | 2 threads: 1.23× \\[1.20–1.26\\] | 2 threads | same: 2 threads |",
      "",
      "- Batch 1: fp32 wants 2 threads in 1 of 1 (the fastest setting 1.11× as fast as ORT's default); int8 wants either in 1 of 1 (the fastest setting 1.00× as fast as ORT's default); no model has its precisions wanting different settings.",
      "- Batch 32: fp32 wants 2 threads in 1 of 1 (the fastest setting 1.65× as fast as ORT's default); int8 wants 2 threads in 1 of 1 (the fastest setting 1.23× as fast as ORT's default); no model has its precisions wanting different settings.",
      "- Each cell: the precision's session at that many intra-op threads against the same file at ONNX Runtime's default; this machine has 2 logical CPUs and ORT's default pool has 1 thread(s), timed as interleaved pairs in the same window as the FP32-vs-INT8 comparison; &gt; 1: that setting is faster than the default, and the row across is the scaling curve. The rung equal to ORT's default is the default itself, never timed twice. Wants: the fastest rung when its 95% CI lies above 1, default when every rung's lies below, either otherwise. The headline rows (the profile table) are each at their fastest setting (ORT's default when nothing is faster); their Threads field records the pool size used, ORT's default and the ladder.",
      "",
    ].join("\n"),
  );
});

test("a run without the thread check says why and how to get it", () => {
  assert.deepEqual(threadsTable(data([], { threadCheck: false })).notes, [
    "This run was made with --no-thread-check: profile again without it to time each precision over the thread ladder beside ORT's default on the CPU EP.",
  ]);
  assert.deepEqual(threadsTable(data([], { threadCheck: true })).notes, [
    "No thread check in this run: it runs on the CPU EP of a machine with more than one logical CPU (npm run profile -- --eps cpu).",
  ]);
  assert.deepEqual(threadsTable(data([])).notes, [
    "This run was made before the thread check existed: profile again (npm run profile) to time each precision over the thread ladder beside ORT's default on the CPU EP.",
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
