/**
 * The run directory's logic without children: child messages → records, records → rows and
 * speedups, what is still to do (resume), and version-1 results still reading.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { latencySketch, summarizeLatency } from "../measure/index.ts";
import { buildRows } from "../profile/build-rows.ts";
import type { ChildMessage } from "../profile/child-protocol.ts";
import { factsRecords, timingRecords } from "../profile/child-records.ts";
import { RunResultsSchema, upgradeResults, type OkRow } from "../formats/run/results-schema.ts";
import type { ChildExit } from "../profile/run-child.ts";
import { timingKey, type FactsRecord, type TimingRecord } from "../formats/run/run-records.ts";
import { pendingTasks } from "../profile/run-tasks.ts";
import { AT, measuredFacts, planJob, testPlan } from "./fixtures/run-records.ts";

const EXIT_OK: ChildExit = { exitCode: 0, signal: null, timedOut: false, stopped: false, completed: true, stderrTail: "" };
const CRASHED: ChildExit = { exitCode: null, signal: "SIGSEGV", timedOut: false, stopped: false, completed: false, stderrTail: "" };

const job = planJob;
const plan = testPlan;

/** A timing round where FP32 blocks take `fp32Ms` and INT8 blocks `fp32Ms / speedup`, over `cycles` ABBA cycles. */
function pairedRound(group: string, batch: number, round: number, fp32Ms: number, speedup: number, cycles = 6): TimingRecord {
  const blocks = Array.from({ length: cycles }, (_, c) => [
    { cycle: c, variant: "fp32", runs: 10, medianMs: fp32Ms * (1 + 0.01 * c) },
    { cycle: c, variant: "int8", runs: 10, medianMs: (fp32Ms / speedup) * (1 + 0.01 * c) },
    { cycle: c, variant: "int8", runs: 10, medianMs: (fp32Ms / speedup) * (1 + 0.01 * c) },
    { cycle: c, variant: "fp32", runs: 10, medianMs: fp32Ms * (1 + 0.01 * c) },
  ]).flat();
  const lat = (ms: number) => ({ latency: summarizeLatency([ms, ms, ms]), sketch: latencySketch([ms, ms, ms]), sessionCreateMs: 5 });
  return {
    group,
    batch,
    round,
    finishedAt: AT,
    loadAverage1m: 0.5,
    speedProbeMs: 1,
    variants: [
      { name: "fp32", ...lat(fp32Ms) },
      { name: "int8", ...lat(fp32Ms / speedup) },
    ],
    blocks,
    cycles,
    variantErrors: [],
  };
}

describe("child messages → records", () => {
  it("a facts child: each batch measured, accuracy and warnings on every batch, ops on its own", () => {
    const messages: ChildMessage[] = [
      { type: "session", sessionCreateMs: 7, baselineRssMiB: 50 },
      { type: "batch-facts", batch: 1, firstRunMs: 3, peakRssMiB: 100 },
      { type: "batch-facts", batch: 32, firstRunMs: 9, peakRssMiB: 140 },
      { type: "accuracy", top1: 0.5, count: 10, dataset: "mnist" },
      { type: "ops", batch: 1, ops: [{ opType: "Conv", provider: "CPU", ms: 1, share: 1, nodes: 1 }], arena: null },
      { type: "ops-error", message: "boom" },
      { type: "done" },
    ];
    const r = factsRecords([1, 32], (b) => `m|fp32|cpu|${b}`, messages, EXIT_OK, 1000, AT);
    assert.deepEqual(
      r.map((x) => [x.key, x.state]),
      [
        ["m|fp32|cpu|1", "measured"],
        ["m|fp32|cpu|32", "measured"],
      ],
    );
    const [a, b] = r as Extract<FactsRecord, { state: "measured" }>[];
    assert.deepEqual([a!.sessionCreateMs, a!.firstRunMs, a!.peakRssMiB, a!.baselineRssMiB, b!.peakRssMiB], [7, 3, 100, 50, 140]);
    assert.deepEqual([a!.accuracy?.top1, b!.accuracy?.top1, a!.ops?.length, b!.ops], [0.5, 0.5, 1, null]);
    assert.deepEqual(b!.warnings, [{ code: "ops-failed", text: "per-op profile failed: boom", figures: {} }]);
  });
  it("a facts child that crashes: measured batches stay, with a warning; the rest are errored; cannot-start skips", () => {
    const r = factsRecords(
      [1, 32],
      (b) => `m|fp32|cpu|${b}`,
      [
        { type: "session", sessionCreateMs: 1, baselineRssMiB: 1 },
        { type: "batch-facts", batch: 1, firstRunMs: 1, peakRssMiB: 1 },
      ],
      CRASHED,
      1000,
      AT,
    );
    assert.equal(r[0]!.state, "measured");
    assert.deepEqual(r[0]!.state === "measured" && r[0]!.warnings.map((w) => w.text), ["accuracy not measured: child process was killed by signal SIGSEGV"]);
    assert.deepEqual(r[1], {
      key: "m|fp32|cpu|32",
      state: "errored",
      finishedAt: AT,
      error: "child process was killed by signal SIGSEGV",
      exitCode: null,
      signal: "SIGSEGV",
      stderrTail: "",
    });
    const s = factsRecords([1], () => "k", [{ type: "cannot-start", reason: "no GPU", fix: "buy one" }, { type: "done" }], EXIT_OK, 1000, AT);
    assert.deepEqual(s, [{ key: "k", state: "skipped", finishedAt: AT, reason: "no GPU", fix: "buy one" }]);
    assert.deepEqual(
      factsRecords([1], () => "k", [], { ...CRASHED, stopped: true }, 1000, AT),
      [],
    );
  });
  it("a paired child: one record per batch; a batch it never reached fails with how the child ended", () => {
    const round = pairedRound("m|cpu", 1, 1, 2, 1.5);
    const messages: ChildMessage[] = [
      { type: "variant-error", variant: "fp16", message: "cannot load" },
      { type: "paired-batch", batch: 1, variants: round.variants, blocks: round.blocks.map((b) => ({ ...b, round: 1 })), cycles: round.cycles },
    ];
    const r = timingRecords(
      [1, 32],
      { group: "m|cpu", round: 1, finishedAt: AT, loadAverage1m: 0.5, speedProbeMs: 1 },
      messages,
      { ...CRASHED, signal: "SIGKILL", timedOut: true },
      8000,
    );
    assert.deepEqual(
      r.map((x) => [x.batch, x.failure?.error ?? "measured", x.variants.length, x.blocks.length]),
      [
        [1, "measured", 2, 24],
        [32, "child process timed out after 8 s and was killed", 0, 0],
      ],
    );
    assert.deepEqual(r[0]!.variantErrors, [{ name: "fp16", error: "cannot load" }]);
  });
});

describe("records → rows and speedups", () => {
  const p = plan([job("m", "fp32"), job("m", "int8")]);
  const facts = new Map([1, 32].flatMap((b) => ["fp32", "int8"].map((q) => [`m|${q}|cpu|${b}`, measuredFacts(`m|${q}|cpu|${b}`)] as const)));
  it("pools both rounds per precision and pairs the precisions over every cycle of every round", () => {
    const timings = new Map(
      [pairedRound("m|cpu", 1, 1, 2, 1.5), pairedRound("m|cpu", 1, 2, 3, 1.5), pairedRound("m|cpu", 32, 1, 20, 2), pairedRound("m|cpu", 32, 2, 40, 2)].map(
        (t) => [timingKey(t), t],
      ),
    );
    const built = buildRows({ plan: p, facts, timings, rounds: 2, cvThreshold: 0.1 });
    assert.equal(built.complete, true);
    const rows = built.rows as OkRow[];
    assert.deepEqual(
      rows.map((r) => [r.key, r.state, r.roundP50s]),
      [
        ["m|fp32|cpu|1", "ok", [2, 3]],
        ["m|fp32|cpu|32", "ok", [20, 40]],
        ["m|int8|cpu|1", "ok", [2 / 1.5, 3 / 1.5]],
        ["m|int8|cpu|32", "ok", [10, 20]],
      ],
    );
    assert.deepEqual([rows[0]!.peakRssMiB, rows[0]!.firstRunMs, rows[0]!.sessionCreateMs, rows[0]!.accuracyPerMParams], [120, 2, 5, 99_000]);
    assert.equal(rows[0]!.roundBlockMedians?.[0]?.length, 12);
    // The absolute times moved 1.5× and 2× between rounds (warned); the paired speedups did not.
    assert.deepEqual(
      rows[1]!.warnings.map((w) => w.code),
      ["high-cv", "rounds-differ"],
    );
    assert.deepEqual(
      built.comparisons.map((c) => [c.model, c.batch, c.variant, Number(c.speedup.toFixed(9)), c.paired, c.pairs, c.rounds, c.verdict]),
      [
        ["m", 1, "int8", 1.5, true, 12, 2, "faster"],
        ["m", 32, "int8", 2, true, 12, 2, "faster"],
      ],
    );
  });
  it("a missing round leaves the run incomplete; a failed later round keeps the row ok with a warning; a failed first and only round errors it", () => {
    const failed: TimingRecord = {
      ...pairedRound("m|cpu", 1, 2, 2, 1.5),
      variants: [],
      blocks: [],
      cycles: 0,
      failure: { error: "child process was killed by signal SIGSEGV", exitCode: null, signal: "SIGSEGV", stderrTail: "" },
    };
    const some = new Map([pairedRound("m|cpu", 1, 1, 2, 1.5), failed].map((t) => [timingKey(t), t]));
    const built = buildRows({ plan: p, facts, timings: some, rounds: 2, cvThreshold: 0.1 });
    assert.equal(built.complete, false);
    assert.deepEqual(
      built.rows.map((r) => r.key),
      ["m|fp32|cpu|1", "m|int8|cpu|1"],
    );
    const ok = built.rows[0] as OkRow;
    assert.deepEqual(
      ok.warnings.map((w) => w.text),
      ["round 2 of 2 failed: child process was killed by signal SIGSEGV"],
    );
    const only = buildRows({ plan: p, facts, timings: new Map([[timingKey({ ...failed, round: 1 }), { ...failed, round: 1 }]]), rounds: 1, cvThreshold: 0.1 });
    assert.deepEqual(
      only.rows.map((r) => [r.key, r.state, r.state === "errored" ? r.signal : null]),
      [
        ["m|fp32|cpu|1", "errored", "SIGSEGV"],
        ["m|int8|cpu|1", "errored", "SIGSEGV"],
      ],
    );
  });
  it("an unavailable EP and an unreadable file become rows without any record; EPs compare unpaired against the CPU EP", () => {
    const q = plan(
      [job("m", "fp32"), job("m", "fp32", "cuda"), job("bad", "fp32", "cpu", { loadError: "not ONNX" }), job("m", "fp32", "webgpu")],
      [
        { name: "cpu", state: "available", facts: {} },
        { name: "cuda", state: "skipped", reason: "no CUDA", fix: "install it" },
        { name: "webgpu", state: "available", facts: {} },
      ],
    );
    const f = new Map([1, 32].flatMap((b) => ["cpu", "webgpu"].map((ep) => [`m|fp32|${ep}|${b}`, measuredFacts(`m|fp32|${ep}|${b}`)] as const)));
    const t = new Map(
      [1, 32].flatMap((b) => [1, 2].flatMap((r) => [pairedRound("m|cpu", b, r, 1, 1), pairedRound("m|webgpu", b, r, 4, 1)])).map((x) => [timingKey(x), x]),
    );
    const built = buildRows({ plan: q, facts: f, timings: t, rounds: 2, cvThreshold: 0.1 });
    assert.deepEqual(
      built.rows.map((r) => [r.key, r.state]),
      [
        ["m|fp32|cpu|1", "ok"],
        ["m|fp32|cpu|32", "ok"],
        ["m|fp32|cuda|1", "skipped"],
        ["m|fp32|cuda|32", "skipped"],
        ["bad|fp32|cpu|1", "errored"],
        ["bad|fp32|cpu|32", "errored"],
        ["m|fp32|webgpu|1", "ok"],
        ["m|fp32|webgpu|32", "ok"],
      ],
    );
    assert.equal(built.complete, true);
    assert.deepEqual(
      built.comparisons.map((c) => [c.kind, c.ep, c.batch, c.baseline, c.variant, Number(c.speedup.toFixed(9)), c.paired, c.verdict]),
      [
        ["ep", "webgpu", 1, "cpu", "webgpu", 0.25, false, "slower"],
        ["ep", "webgpu", 32, "cpu", "webgpu", 0.25, false, "slower"],
      ],
    );
  });
});

describe("what is still to do", () => {
  const p = plan(
    [job("a", "fp32"), job("a", "int8"), job("b", "fp32"), job("x", "fp32", "cuda"), job("bad", "fp32", "cpu", { loadError: "not ONNX" })],
    [
      { name: "cpu", state: "available", facts: {} },
      { name: "cuda", state: "skipped", reason: "no CUDA", fix: "install it" },
    ],
  );
  const describeTasks = (tasks: ReturnType<typeof pendingTasks>) =>
    tasks.map((t) =>
      t.kind === "facts"
        ? `facts ${t.job.model} ${t.job.precision} @${t.batches.join(",")}`
        : t.kind === "scenario"
          ? `${t.scenario} ${t.group} ${t.jobs.map((j) => j.precision).join("+")} @${t.batches.join(",")}`
          : `round ${t.round} ${t.group} ${t.jobs.map((j) => j.precision).join("+")} @${t.batches.join(",")}`,
    );
  it("a fresh run: facts per file, then a paired child per model, round after round; skipped EPs and bad files have none", () => {
    assert.deepEqual(describeTasks(pendingTasks(p, new Map(), new Map(), 2)), [
      "facts a fp32 @1,32",
      "facts a int8 @1,32",
      "round 1 a|cpu fp32+int8 @1,32",
      "facts b fp32 @1,32",
      "round 1 b|cpu fp32 @1,32",
      "round 2 a|cpu fp32+int8 @1,32",
      "round 2 b|cpu fp32 @1,32",
    ]);
  });
  it("on resume: only what has no record; a file whose facts errored is left out of the pairs", () => {
    const facts = new Map<string, FactsRecord>([
      ["a|fp32|cpu|1", measuredFacts("a|fp32|cpu|1")],
      ["a|fp32|cpu|32", measuredFacts("a|fp32|cpu|32")],
      ["a|int8|cpu|1", { key: "a|int8|cpu|1", state: "errored", finishedAt: AT, error: "crash", exitCode: null, signal: "SIGSEGV", stderrTail: "" }],
      ["a|int8|cpu|32", { key: "a|int8|cpu|32", state: "errored", finishedAt: AT, error: "crash", exitCode: null, signal: "SIGSEGV", stderrTail: "" }],
      ["b|fp32|cpu|1", measuredFacts("b|fp32|cpu|1")],
    ]);
    const timings = new Map(
      [pairedRound("a|cpu", 1, 1, 1, 1), pairedRound("a|cpu", 32, 1, 1, 1), pairedRound("a|cpu", 1, 2, 1, 1)].map((t) => [timingKey(t), t]),
    );
    assert.deepEqual(describeTasks(pendingTasks(p, facts, timings, 2)), [
      "facts b fp32 @32",
      "round 1 b|cpu fp32 @1,32",
      "round 2 a|cpu fp32 @32",
      "round 2 b|cpu fp32 @1,32",
    ]);
  });
});

describe("schema version 1", () => {
  it("still reads: string warnings become legacy warnings, no comparisons", () => {
    const v1 = {
      schemaVersion: 1,
      runId: "old",
      startedAt: AT,
      finishedAt: AT,
      complete: true,
      hardware: plan([]).hardware,
      eps: [],
      settings: {},
      stability: { loadAverage1m: { min: 0, max: 0, mean: 0 }, highCvRows: [], cvThreshold: 0.1 },
      rows: [
        {
          key: "m|fp32|cpu|1",
          model: "m",
          precision: "fp32",
          ep: "cpu",
          batch: 1,
          onnxPath: "/m.onnx",
          finishedAt: AT,
          state: "ok",
          sessionCreateMs: 1,
          firstRunMs: 1,
          latency: summarizeLatency([1, 2, 3]),
          throughput: 500,
          peakRssMiB: 1,
          baselineRssMiB: 1,
          arena: null,
          ops: null,
          accuracy: null,
          agreementWithFp32: null,
          params: 1,
          sizeBytes: 1,
          accuracyPerMParams: null,
          loadAverage1m: 0,
          warnings: ["latency CV 15.1% (robust: 1.4826·MAD/median) above 10%: machine busy or throttling"],
        },
      ],
    };
    const parsed = RunResultsSchema.parse(upgradeResults(v1));
    assert.deepEqual([parsed.schemaVersion, parsed.upgradedFrom, parsed.comparisons], [3, 1, []]);
    assert.deepEqual((parsed.rows[0] as OkRow).warnings, [
      { code: "legacy", text: "latency CV 15.1% (robust: 1.4826·MAD/median) above 10%: machine busy or throttling", figures: {} },
    ]);
    assert.equal(RunResultsSchema.safeParse(v1).success, false);
  });
});
