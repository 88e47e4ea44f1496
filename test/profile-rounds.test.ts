import { fastestThreadVariant } from "../profile/thread-choice.ts";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { threadLadder } from "../profile/intra-op-threads.ts";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { nodeEpRunners } from "../profile/ep-registry.ts";
import { FAULTY_EP_MODULE } from "./fixtures/faulty-ep.ts";
import type { EpRunner } from "../profile/ep-runner.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { DEFAULT_MEASURE, resolveProfileOptions } from "../formats/options/profile-options.ts";
import { RUN_FILES, readRunResults, type OkRow } from "../formats/run/results-schema.ts";
import { measureForRound, roundFigures, stabilityWarnings } from "../profile/row-rounds.ts";
import { appendTiming, readTimings, type TimingRecord } from "../formats/run/run-records.ts";
import { runProfile, runProfileInTerminal } from "./profile-with-suite.ts";
import * as ort from "onnxruntime-node";
import { evaluateAccuracy } from "../profile/accuracy.ts";
import { generateSynthetic } from "../datasets/index.ts";
import { predictionsPath } from "../formats/run/run-records.ts";
import { coefficientOfVariation, latencySketch, pooledLatency, summarizeLatency } from "../measure/statistics.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-rounds-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const round = (samples: number[]) => ({ latency: summarizeLatency(samples), sketch: latencySketch(samples) });

test("a sketch keeps up to 401 samples, else 401 evenly spaced percentiles with min and max", () => {
  assert.deepEqual(latencySketch([3, 1, 2]), [1, 2, 3]);
  const sketch = latencySketch(Array.from({ length: 1000 }, (_, i) => 999 - i));
  assert.equal(sketch.length, 401);
  assert.deepEqual([sketch[0], sketch[200], sketch[400]], [0, 499.5, 999]);
});

test("pooled latency: exact count, mean, sd, min and max; percentiles of the pooled sketches", () => {
  const a = round([1, 2, 3]);
  assert.equal(pooledLatency([a]), a.latency);
  const p = pooledLatency([a, round([3, 4, 5])]);
  assert.deepEqual([p.samples, p.mean, p.min, p.max, p.p50, p.p90], [6, 3, 1, 5, 3, 4.5]);
  assert.equal(p.sd.toFixed(12), Math.SQRT2.toFixed(12));
  assert.equal(p.cv.toFixed(12), (Math.SQRT2 / 3).toFixed(12));
  // A round of 10,000 samples weighs as 401 sketch points, not 10,000, against a round of 401.
  const many = round(Array.from({ length: 10_000 }, () => 1));
  const few = round(Array.from({ length: 401 }, () => 2));
  assert.equal(pooledLatency([many, few]).samples, 10_401);
  assert.equal(pooledLatency([many, few]).p50, 1.5);
  assert.throws(() => pooledLatency([]), { message: "pooledLatency needs at least one round" });
});

test("coefficient of variation of round medians", () => {
  assert.equal(coefficientOfVariation([1, 2, 3]), 0.5);
  assert.equal(coefficientOfVariation([5]), 0);
});

test("rounds share the row's measuring time and cycles; warm-up is per round", () => {
  assert.equal(measureForRound(DEFAULT_MEASURE, 1), DEFAULT_MEASURE);
  const r = measureForRound(DEFAULT_MEASURE, 4);
  assert.deepEqual([r.minTimeMs, r.minIterations, r.rowBudgetMs, r.minCycles, r.warmupTimeMs, r.warmupIterations, r.blockMs], [250, 8, 1250, 1, 250, 10, 20]);
  assert.equal(measureForRound({ ...DEFAULT_MEASURE, minIterations: 5 }, 4).minIterations, 3);
});

test("a row's figures pool its measured rounds", () => {
  const f = roundFigures([round([1, 2, 3]), round([3, 4, 5])], 4);
  assert.deepEqual(f.roundP50s, [2, 4]);
  assert.equal(f.bestRoundP50, 2);
  assert.equal(f.roundsCv!.toFixed(6), (Math.SQRT2 / 3).toFixed(6));
  assert.deepEqual([f.latency.p50, f.throughput], [3, 4000 / 3]);
  assert.throws(() => roundFigures([], 4), { message: "roundFigures needs at least one measured round" });
});

test("stability warnings are typed and say what moved and by how much", () => {
  const f = roundFigures([round([1, 1, 1]), round([2, 2, 2])], 1);
  const warnings = stabilityWarnings(f, 0.1);
  assert.deepEqual(
    warnings.map((w) => w.code),
    ["high-cv", "rounds-differ"],
  );
  assert.equal(
    warnings[0]!.text,
    "single runs vary by robust CV 49.4% (1.4826·MAD/median, above 10%; p50 1.50 ms, p95 2.00 ms): the median and its interval still hold, single-run times do not",
  );
  assert.equal(
    warnings[1]!.text,
    "round medians 1.00, 2.00 ms differ by 2.00× (CV 47.1%, above 10%): the machine's speed moved between rounds; absolute times carry it, paired speedups cancel it",
  );
  assert.deepEqual(warnings[1]!.figures, { roundsCv: f.roundsCv, threshold: 0.1, minRoundP50Ms: 1, maxRoundP50Ms: 2 });
  assert.deepEqual(stabilityWarnings(roundFigures([round([1, 1.01, 0.99])], 1), 0.1), []);
});

function timing(roundNo: number, p50: number): TimingRecord {
  return {
    group: "m|cpu",
    batch: 4,
    round: roundNo,
    finishedAt: "2026-01-01T00:00:00.000Z",
    loadAverage1m: 1,
    variants: [{ name: "fp32", ...round([p50]), sessionCreateMs: 1 }],
    blocks: [],
    cycles: 1,
    variantErrors: [],
  };
}

test("rounds.jsonl: a later line for the same round wins, a torn line is ignored", async () => {
  const run = join(dir, "rounds-file");
  await mkdir(run, { recursive: true });
  await appendTiming(run, timing(2, 5));
  await appendTiming(run, timing(1, 1));
  await appendTiming(run, timing(2, 7));
  await appendFile(join(run, RUN_FILES.rounds), '{"group":"m|cpu","rou');
  const read = await readTimings(run);
  assert.deepEqual(
    [...read].map(([k, r]) => [k, r.variants[0]?.latency.p50]),
    [
      ["m|cpu|4|2", 7],
      ["m|cpu|4|1", 1],
    ],
  );
  assert.deepEqual(await readTimings(join(dir, "absent")), new Map());
});

test("--rounds must be a positive integer", () => {
  assert.throws(() => resolveProfileOptions({ rounds: 0 }), { message: 'Invalid rounds "0": expected a positive integer like 3' });
  assert.equal(resolveProfileOptions({}).rounds, 2);
  assert.equal(resolveProfileOptions({ quick: true }).rounds, 1);
});

test("precisions of a model are timed together in every round; a round that crashes later leaves its rows ok with a warning", async () => {
  const fp32 = join(dir, "good.fp32.onnx");
  const int8 = join(dir, "good.int8.onnx");
  const crash = join(dir, "crashme.onnx");
  await writeOnnx(fp32, buildTinyClassifier());
  await writeOnnx(int8, buildTinyClassifier([1, 8, 8], 10, { seed: 5 }));
  await writeOnnx(crash, buildTinyClassifier());
  const cpu = nodeEpRunners.find((r) => r.name === "cpu")!;
  let faulty = false;
  // The cpu EP, except that children started in round 2 load the faulty one (test/fixtures/faulty-ep.ts), which crashes on crashme.onnx.
  const flaky: EpRunner = {
    ...cpu,
    childEnv: (): Record<string, string> => (faulty ? { HARNESS_EP_MODULE: FAULTY_EP_MODULE } : {}),
  };
  const logged: string[] = [];
  const run = await runProfileInTerminal(
    {
      onnx: [fp32, int8, crash],
      eps: ["cpu"],
      batches: [1, 4],
      rounds: 2,
      quick: true,
      out: join(dir, "out"),
      progress: false,
      printTable: false,
      measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 1, profileBudgetMs: 100 },
      log: (line) => {
        if (line.startsWith("measuring")) logged.push(line);
        if (line.startsWith("measuring round 2/2")) faulty = true;
      },
    },
    { runners: [flaky] },
  );
  assert.equal(run.complete, true);
  // Facts alone per file, then one paired child per model and round.
  assert.deepEqual(logged, [
    "measuring facts good fp32 cpu at batch 1,4",
    "measuring facts good int8 cpu at batch 1,4",
    "measuring round 1/2 good fp32+int8 cpu at batch 1,4",
    "measuring facts crashme fp32 cpu at batch 1,4",
    "measuring round 1/2 crashme fp32 cpu at batch 1,4",
    "measuring round 2/2 good fp32+int8 cpu at batch 1,4",
    "measuring round 2/2 crashme fp32 cpu at batch 1,4",
  ]);
  const results = await readRunResults(run.dir);
  // The machine-speed reference was timed once before each of the 4 timing children (2 models × 2 rounds).
  assert.equal(results.stability.speedProbeMs?.count, 4);
  assert.ok(results.stability.speedProbeMs.min > 0 && results.stability.speedProbeMs.min <= results.stability.speedProbeMs.max);
  const rows = results.rows as OkRow[];
  assert.deepEqual(
    rows.map((r) => [r.key, r.state, r.roundP50s?.length, r.roundBlockMedians?.length]),
    [
      ["good|fp32|cpu|1", "ok", 2, 2],
      ["good|fp32|cpu|4", "ok", 2, 2],
      ["good|int8|cpu|1", "ok", 2, 2],
      ["good|int8|cpu|4", "ok", 2, 2],
      ["crashme|fp32|cpu|1", "ok", 1, 1],
      ["crashme|fp32|cpu|4", "ok", 1, 1],
    ],
  );
  for (const r of rows.slice(4))
    assert.deepEqual(
      r.warnings.filter((w) => w.code === "round-failed").map((w) => w.text),
      ["round 2 of 2 failed: child process was killed by signal SIGSEGV"],
    );
  // The speedups are paired, over both rounds; the thread check pairs each precision at each rung of this machine's ladder but ORT's default with the default (crashme: round 1 only).
  const eps = results.eps[0]!;
  const ladder = threadLadder(cpus().length, Number(eps.state === "available" ? eps.facts.ortDefaultThreads : NaN));
  const t = (p: string) => ladder.timed.map((n) => `${p}@${n}t`);
  const rungs = (model: string, batch: number, p: string, rounds: number) => t(p).map((v) => ["threads", model, "cpu", batch, p, v, true, rounds]);
  assert.deepEqual(
    results.comparisons.map((c) => [c.kind, c.model, c.ep, c.batch, c.baseline, c.variant, c.paired, c.rounds]),
    [
      ["precision", "good", "cpu", 1, "fp32", "int8", true, 2],
      ["precision", "good", "cpu", 4, "fp32", "int8", true, 2],
      ...rungs("good", 1, "fp32", 2),
      ...rungs("good", 4, "fp32", 2),
      ...rungs("good", 1, "int8", 2),
      ...rungs("good", 4, "int8", 2),
      ...rungs("crashme", 1, "fp32", 1),
      ...rungs("crashme", 4, "fp32", 1),
    ],
  );
  // The rung sessions asked for their thread counts, the others for ORT's default; each recorded the pool ORT used (read back, never 0).
  const round1 = (await readTimings(run.dir)).get("good|cpu|1|1");
  assert.deepEqual(
    round1?.variants.map((v) => [v.name, v.threads?.requested, v.threads?.used]),
    [
      ["fp32", 0, ladder.defaultThreads],
      ["int8", 0, ladder.defaultThreads],
      ...ladder.timed.flatMap((n) => [
        [`fp32@${n}t`, n, n],
        [`int8@${n}t`, n, n],
      ]),
    ],
  );
  for (const c of results.comparisons)
    assert.ok(c.ci95[0] <= c.speedup && c.speedup <= c.ci95[1] && c.pairs >= c.rounds, `${c.kind} ${c.variant}: ${c.pairs} pairs over ${c.rounds} rounds`);
  // A pooled row counts every sample of its rounds.
  const records = await readTimings(run.dir);
  // the row is the fastest setting of the thread ladder (thread-choice.ts): count that variant's samples
  const samplesOf = (model: string, precision: string, batch: number) => {
    const rs = [1, 2].map((k) => records.get(`${model}|cpu|${batch}|${k}`)).filter((r): r is NonNullable<typeof r> => r !== undefined);
    const name = fastestThreadVariant(rs, precision);
    return rs.reduce((n, r) => n + (r.variants.find((v) => v.name === name)?.latency.samples ?? 0), 0);
  };
  for (const r of rows.slice(0, 4)) assert.equal(r.latency.samples, samplesOf(r.model, r.precision, r.batch));
  // The per-op pass runs once per file (in its facts child), on the first batch.
  assert.deepEqual(
    rows.map((r) => r.ops !== null),
    [true, false, true, false, true, false],
  );
  const good = ["fp32", "int8", ...ladder.timed.flatMap((n) => [`fp32@${n}t`, `int8@${n}t`])].join("+");
  const lines = (await readFile(join(run.dir, RUN_FILES.rounds), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as TimingRecord);
  assert.deepEqual(
    lines.map((l) => [l.group, l.batch, l.round, l.failure?.error ?? l.variants.map((v) => v.name).join("+")]),
    [
      ["good|cpu", 1, 1, good],
      ["good|cpu", 4, 1, good],
      ["crashme|cpu", 1, 1, ["fp32", ...t("fp32")].join("+")],
      ["crashme|cpu", 4, 1, ["fp32", ...t("fp32")].join("+")],
      ["good|cpu", 1, 2, good],
      ["good|cpu", 4, 2, good],
      ["crashme|cpu", 1, 2, "child process was killed by signal SIGSEGV"],
      ["crashme|cpu", 4, 2, "child process was killed by signal SIGSEGV"],
    ],
  );
  assert.ok(
    (await readFile(join(run.dir, RUN_FILES.comparisonsCsv), "utf8")).startsWith(
      "kind,model,ep,precision,batch,baseline,variant,speedup,ci95_lo,ci95_hi,paired,pairs,rounds,verdict\nprecision,good,cpu,int8,1,fp32,int8,",
    ),
  );
});

test("accuracy, measured after latency, reaches every row of its child; later rounds keep it", async () => {
  const model = join(dir, "mnist-tiny.onnx");
  await writeOnnx(
    model,
    buildTinyClassifier([1, 28, 28], 10, {
      seed: 3,
      metadata: { model: "mnist-tiny", dataset: "mnist", layout: "NCHW", inputShape: [1, 28, 28], scale: 1 / 255, classNames: [], precision: "fp32" },
    }),
  );
  const run = await runProfile({
    onnx: [model],
    eps: ["cpu"],
    batches: [1, 4],
    rounds: 2,
    quick: true,
    accuracyLimit: 100,
    out: join(dir, "out-acc"),
    progress: false,
    printTable: false,
    measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 0 },
    log: () => undefined,
  });
  const rows = (await readRunResults(run.dir)).rows as OkRow[];
  assert.deepEqual(
    rows.map((r) => [r.key, r.accuracy?.count, r.accuracy?.dataset, r.roundP50s?.length]),
    [
      ["mnist-tiny|fp32|cpu|1", 100, "mnist", 2],
      ["mnist-tiny|fp32|cpu|4", 100, "mnist", 2],
    ],
  );
  assert.equal(rows[0]!.accuracy!.top1, rows[1]!.accuracy!.top1);
  for (const r of rows) assert.equal(r.accuracyPerMParams, (r.accuracy!.top1 * 100) / (r.params / 1e6));
});

test("peak RSS is the child's own, not the memory of the profiler that forked it", async () => {
  const model = join(dir, "rss.onnx");
  await writeOnnx(model, buildTinyClassifier());
  // 600 MiB resident in this (the forking) process: Linux's maxRSS would carry it into the child.
  let ballast: Buffer | undefined = Buffer.alloc(600 * 1024 * 1024, 1);
  try {
    const run = await runProfile({
      onnx: [model],
      eps: ["cpu"],
      batches: [1],
      quick: true,
      out: join(dir, "out-rss"),
      progress: false,
      printTable: false,
      log: () => undefined,
      measure: { rowBudgetMs: 100, warmupTimeMs: 0, warmupIterations: 0, minTimeMs: 10, minIterations: 3, profileIterations: 0 },
    });
    const row = (await readRunResults(run.dir)).rows[0] as OkRow;
    assert.ok(ballast.length > 0);
    assert.ok(row.peakRssMiB > 20 && row.peakRssMiB < 400, `child peak RSS ${row.peakRssMiB} MiB`);
    assert.ok(row.baselineRssMiB <= row.peakRssMiB, `baseline ${row.baselineRssMiB} MiB`);
  } finally {
    ballast = undefined;
  }
});

test("--no-thread-check: the paired child times the precisions only, and the run records that it was off", async () => {
  const fp32 = join(dir, "nothreads.fp32.onnx");
  const int8 = join(dir, "nothreads.int8.onnx");
  await writeOnnx(fp32, buildTinyClassifier());
  await writeOnnx(int8, buildTinyClassifier([1, 8, 8], 10, { seed: 5 }));
  const run = await runProfile({
    onnx: [fp32, int8],
    eps: ["cpu"],
    batches: [2],
    quick: true,
    threadCheck: false,
    out: join(dir, "out-nothreads"),
    progress: false,
    printTable: false,
    measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 1, profileBudgetMs: 100 },
    log: () => {},
  });
  const results = await readRunResults(run.dir);
  assert.equal(results.settings.threadCheck, false);
  assert.deepEqual(
    results.comparisons.map((c) => [c.kind, c.variant]),
    [["precision", "int8"]],
  );
  assert.deepEqual(
    [...(await readTimings(run.dir)).values()].map((r) => r.variants.map((v) => v.name)),
    [["fp32", "int8"]],
  );
});

test("accuracy reads the test split of the seed the model was trained with (harness.datasetSeed), not the readers' default", async () => {
  const model = join(dir, "synthetic-seeded.onnx");
  const metadata = {
    model: "synthetic-seeded",
    dataset: "synthetic",
    layout: "NCHW" as const,
    inputShape: [1, 28, 28],
    scale: 1 / 255,
    classNames: [],
    precision: "fp32" as const,
    datasetSeed: 7,
  };
  await writeOnnx(model, buildTinyClassifier([1, 28, 28], 10, { seed: 3, metadata }));
  const run = await runProfile({
    onnx: [model],
    eps: ["cpu"],
    batches: [1],
    quick: true,
    threadCheck: false,
    out: join(dir, "out-seeded"),
    progress: false,
    printTable: false,
    measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 0 },
    log: () => undefined,
  });
  const saved = new Uint8Array(await readFile(predictionsPath(run.dir, { model: "synthetic-seeded", precision: "fp32", ep: "cpu" })));
  const session = await ort.InferenceSession.create(model);
  const evaluate = async (seed: number) =>
    evaluateAccuracy(session, generateSynthetic({ seed }).test, metadata, { batch: 32, budgetMs: 60_000, fixedBatch: false });
  const [seeded, unseeded] = [await evaluate(7), await evaluate(1)];
  await session.release();
  assert.deepEqual([...saved], [...seeded.predictions]);
  assert.notDeepEqual([...saved], [...unseeded.predictions]);
  const row = (await readRunResults(run.dir)).rows[0] as OkRow;
  assert.deepEqual([row.accuracy?.top1, row.accuracy?.count], [seeded.top1, 200]);
});
