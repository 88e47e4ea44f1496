import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../export/onnx/onnx-io.ts";
import { nodeEpRunners } from "../profile/ep-registry.ts";
import type { EpRunner } from "../profile/ep-runner.ts";
import { buildTinyClassifier } from "../profile/fixtures/tiny-models.ts";
import { singleSampleSettings } from "../profile/measure-latency.ts";
import { DEFAULT_MEASURE, resolveProfileOptions } from "../profile/profile-options.ts";
import { RUN_FILES, readRunResults, type OkRow } from "../profile/results-schema.ts";
import {
  appendRound, lastingWarnings, measureForRound, readRounds, roundFigures, stabilityWarnings, type RoundRecord,
} from "../profile/row-rounds.ts";
import { runProfile } from "../profile/run-profile.ts";
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

test("rounds share the row's measuring time; warm-up is per round", () => {
  assert.equal(measureForRound(DEFAULT_MEASURE, 1), DEFAULT_MEASURE);
  const r = measureForRound(DEFAULT_MEASURE, 4);
  assert.deepEqual([r.minTimeMs, r.minIterations, r.rowBudgetMs, r.warmupTimeMs, r.warmupIterations], [250, 8, 1250, 250, 10]);
  assert.equal(measureForRound({ ...DEFAULT_MEASURE, minIterations: 5 }, 4).minIterations, 3);
});

test("one sample only when the cold first run is over twice the row budget", () => {
  const s = { ...DEFAULT_MEASURE, rowBudgetMs: 1000 };
  assert.equal(singleSampleSettings(s, 1999), null);
  assert.deepEqual(singleSampleSettings(s, 2000), { warmupTimeMs: 0, warmupIterations: 0, timeMs: 0, iterations: 1 });
});

function record(n: number, samples: number[], extra: Partial<NonNullable<RoundRecord["measured"]>> = {}): RoundRecord {
  return {
    key: "m|fp32|cpu|4", round: n, finishedAt: "2026-01-01T00:00:00.000Z", loadAverage1m: 1,
    measured: { ...round(samples), firstRunMs: n, sessionCreateMs: 10 * n, baselineRssMiB: 100, peakRssMiB: 200 + n, ...extra },
  };
}

test("a row's figures pool its measured rounds; failed rounds are left out", () => {
  const failed: RoundRecord = { key: "m|fp32|cpu|4", round: 2, finishedAt: "x", loadAverage1m: 1, error: "boom" };
  const f = roundFigures([record(1, [1, 2, 3]), failed, record(3, [3, 4, 5])], 4);
  assert.deepEqual(f.roundP50s, [2, 4]);
  assert.equal(f.bestRoundP50, 2);
  assert.equal(f.roundsCv!.toFixed(6), (Math.SQRT2 / 3).toFixed(6));
  assert.deepEqual([f.latency.p50, f.throughput, f.sessionCreateMs, f.firstRunMs, f.peakRssMiB, f.baselineRssMiB], [3, 4000 / 3, 20, 2, 203, 100]);
  assert.throws(() => roundFigures([failed], 4), { message: "roundFigures needs at least one measured round" });
});

test("stability warnings name the round medians; rebuilding keeps the other warnings", () => {
  const f = roundFigures([record(1, [1, 1, 1]), record(2, [2, 2, 2])], 1);
  const warnings = stabilityWarnings(f, 0.1);
  assert.deepEqual(warnings, [
    "latency CV 49.4% (robust: 1.4826·MAD/median) above 10%: machine busy or throttling",
    "round medians 1.00, 2.00 ms vary by CV 47.1% (above 10%): the machine's speed changed during the run",
  ]);
  assert.deepEqual(stabilityWarnings(roundFigures([record(1, [1, 2, 3])], 1), 0.1), [
    "latency CV 74.1% (robust: 1.4826·MAD/median) above 10%: machine busy or throttling",
  ]);
  assert.deepEqual(lastingWarnings(["accuracy skipped: no data", ...warnings, "round 2 of 3 failed: boom"]), ["accuracy skipped: no data", "round 2 of 3 failed: boom"]);
});

test("rounds.jsonl: ordered by round, a later line for the same round wins, a torn line is ignored", async () => {
  const run = join(dir, "rounds-file");
  await mkdir(run, { recursive: true });
  await appendRound(run, record(2, [5]));
  await appendRound(run, record(1, [1]));
  await appendRound(run, record(2, [7]));
  await appendFile(join(run, RUN_FILES.rounds), '{"key":"m|fp32|cpu|4","rou');
  const read = await readRounds(run);
  assert.deepEqual(read.get("m|fp32|cpu|4")?.map((r) => [r.round, r.measured?.latency.p50]), [[1, 1], [2, 7]]);
  assert.deepEqual(await readRounds(join(dir, "absent")), new Map());
});

test("--rounds must be a positive integer", () => {
  assert.throws(() => resolveProfileOptions({ rounds: 0 }), { message: 'Invalid rounds "0": expected a positive integer like 3' });
  assert.equal(resolveProfileOptions({}).rounds, 2);
  assert.equal(resolveProfileOptions({ quick: true }).rounds, 1);
});

test("every row is measured in each round; a round that crashes later leaves the row ok with a warning", async () => {
  const good = join(dir, "good.onnx");
  const crash = join(dir, "crashme.onnx");
  await writeOnnx(good, buildTinyClassifier());
  await writeOnnx(crash, buildTinyClassifier());
  const cpu = nodeEpRunners.find((r) => r.name === "cpu")!;
  let faulty = false;
  // The cpu EP, except that children started in round 2 crash on crashme.onnx.
  const flaky: EpRunner = { ...cpu, childEnv: (): Record<string, string> => (faulty ? { HARNESS_FAULT: "crash:cpu@crashme" } : {}) };
  const run = await runProfile({
    onnx: [good, crash], eps: ["cpu"], batches: [1, 4], rounds: 2, quick: true, out: join(dir, "out"), progress: false, printTable: false,
    measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 1, profileBudgetMs: 100 },
    log: (line) => {
      if (line.startsWith("measuring round 2/2")) faulty = true;
    },
  }, { runners: [flaky] });
  assert.equal(run.complete, true);
  const results = await readRunResults(run.dir);
  // The machine-speed reference was timed once before each of the 4 children (2 files × 2 rounds).
  assert.equal(results.stability.speedProbeMs?.count, 4);
  assert.ok(results.stability.speedProbeMs.min > 0 && results.stability.speedProbeMs.min <= results.stability.speedProbeMs.max);
  const rows = results.rows as OkRow[];
  assert.deepEqual(rows.map((r) => [r.key, r.state, r.roundP50s?.length]), [
    ["good|fp32|cpu|1", "ok", 2], ["good|fp32|cpu|4", "ok", 2], ["crashme|fp32|cpu|1", "ok", 1], ["crashme|fp32|cpu|4", "ok", 1],
  ]);
  for (const r of rows.slice(2)) assert.deepEqual(r.warnings.filter((w) => w.startsWith("round 2")), ["round 2 of 2 failed: child process was killed by signal SIGSEGV"]);
  // A pooled row counts every sample of its rounds.
  const records = await readRounds(run.dir);
  for (const r of rows.slice(0, 2)) assert.equal(r.latency.samples, records.get(r.key)!.reduce((n, x) => n + x.measured!.latency.samples, 0));
  // The per-op pass runs once (round 1), on the first batch.
  assert.deepEqual(rows.map((r) => r.ops !== null), [true, false, true, false]);
  const lines = (await readFile(join(run.dir, RUN_FILES.rounds), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as RoundRecord);
  assert.deepEqual(lines.map((l) => [l.key, l.round, l.error ?? "measured"]), [
    ["good|fp32|cpu|1", 1, "measured"], ["good|fp32|cpu|4", 1, "measured"], ["crashme|fp32|cpu|1", 1, "measured"], ["crashme|fp32|cpu|4", 1, "measured"],
    ["good|fp32|cpu|1", 2, "measured"], ["good|fp32|cpu|4", 2, "measured"],
    ["crashme|fp32|cpu|1", 2, "child process was killed by signal SIGSEGV"], ["crashme|fp32|cpu|4", 2, "child process was killed by signal SIGSEGV"],
  ]);
});

test("accuracy, measured after latency, reaches every row of its child; later rounds keep it", async () => {
  const model = join(dir, "mnist-tiny.onnx");
  await writeOnnx(model, buildTinyClassifier([1, 28, 28], 10, {
    seed: 3,
    metadata: { model: "mnist-tiny", dataset: "mnist", layout: "NCHW", inputShape: [1, 28, 28], scale: 1 / 255, classNames: [], precision: "fp32" },
  }));
  const run = await runProfile({
    onnx: [model], eps: ["cpu"], batches: [1, 4], rounds: 2, quick: true, accuracyLimit: 100, out: join(dir, "out-acc"), progress: false, printTable: false,
    measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 0 }, log: () => undefined,
  });
  const rows = (await readRunResults(run.dir)).rows as OkRow[];
  assert.deepEqual(rows.map((r) => [r.key, r.accuracy?.count, r.accuracy?.dataset, r.roundP50s?.length]), [
    ["mnist-tiny|fp32|cpu|1", 100, "mnist", 2], ["mnist-tiny|fp32|cpu|4", 100, "mnist", 2],
  ]);
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
      onnx: [model], eps: ["cpu"], batches: [1], quick: true, out: join(dir, "out-rss"), progress: false, printTable: false, log: () => undefined,
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
