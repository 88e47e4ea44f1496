/**
 * Fixture run directories for the report tests, built from the profile schema (no real
 * run needed): ok, skipped and errored rows, train.json and export.json beside the ONNX paths.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunResultsSchema, type OkRow, type ResultRow, type RunResults } from "../formats/run/results-schema.ts";
import { TrainRecordSchema, type TrainRecord } from "../formats/model-dir.ts";
import type { EpCeilings } from "../formats/run/ceiling-cache.ts";

/** An ok row with round figures; `p50` in ms. */
export function okRow(model: string, precision: string, ep: string, batch: number, p50: number, extra: Partial<OkRow> = {}): OkRow {
  return {
    key: `${model}|${precision}|${ep}|${batch}`,
    model,
    precision,
    ep,
    batch,
    onnxPath: `/nonexistent/${model}/model.${precision}.onnx`,
    finishedAt: "2025-01-01T00:00:10.000Z",
    state: "ok",
    sessionCreateMs: 5,
    firstRunMs: 2,
    latency: {
      samples: 100,
      mean: p50 * 1.1,
      sd: p50 * 0.05,
      min: p50 * 0.9,
      p50,
      p90: p50 * 1.2,
      p95: p50 * 1.3,
      p99: p50 * 1.5,
      max: p50 * 2,
      p50Ci95: [p50 * 0.98, p50 * 1.02],
      cv: 0.05,
    },
    throughput: (batch * 1000) / (p50 * 1.1),
    peakRssMiB: 120,
    baselineRssMiB: 100,
    arena: { heldMiB: 4, inUsePeakMiB: 2 },
    ops: null,
    accuracy: { top1: 0.98, count: 100, dataset: "synthetic" },
    agreementWithFp32: null,
    params: 100_000,
    sizeBytes: 400_000,
    accuracyPerMParams: 980,
    loadAverage1m: 0.5,
    warnings: [],
    ...extra,
  };
}

/** A train.json for `model` with a small conv architecture (synthetic 28×28×1). */
export function trainRecord(model: string, extra: Partial<TrainRecord> = {}): TrainRecord {
  return TrainRecordSchema.parse({
    schemaVersion: 1,
    model,
    architecture: [
      { name: "conv2d_1", className: "Conv2D", outputShape: "(None, 26, 26, 8)", params: 80 },
      { name: "max_pooling2d_1", className: "MaxPooling2D", outputShape: "(None, 13, 13, 8)", params: 0 },
      { name: "flatten_1", className: "Flatten", outputShape: "(None, 1352)", params: 0 },
      { name: "dense_1", className: "Dense", outputShape: "(None, 10)", params: 13_530 },
    ],
    params: { total: 13_610, trainable: 13_610, nonTrainable: 0 },
    dataset: {
      name: "synthetic",
      source: "generated",
      inputShape: [28, 28, 1],
      classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
      scale: 1 / 255,
      layout: "NHWC",
      trainCount: 100,
      valCount: 10,
      testCount: 100,
    },
    options: {},
    history: [
      { epoch: 1, loss: 1.5, accuracy: 0.6, valLoss: 1.2, valAccuracy: 0.7, seconds: 2, samplesPerSecond: 50 },
      { epoch: 2, loss: 0.8, accuracy: 0.85, valLoss: 0.9, valAccuracy: 0.8, seconds: 2, samplesPerSecond: 50 },
    ],
    epochsRun: 2,
    bestEpoch: 2,
    test: { loss: 0.9, accuracy: 0.8 },
    trainingSeconds: 4,
    samplesPerSecond: 50,
    backend: { name: "cpu", reason: "test", rejected: [] },
    seed: 1,
    versions: {},
    createdAt: "2025-01-01T00:00:00.000Z",
    ...extra,
  });
}

/** results.json around `rows`. */
export function runResults(
  rows: ResultRow[],
  runId = "2025-01-01T00-00-00Z-fixture",
  stability: Partial<RunResults["stability"]> = {},
  comparisons: RunResults["comparisons"] = [],
): RunResults {
  return RunResultsSchema.parse({
    schemaVersion: 3,
    runId,
    startedAt: "2025-01-01T00:00:00.000Z",
    finishedAt: "2025-01-01T00:01:00.000Z",
    complete: true,
    hardware: {
      hostname: "fixture-host",
      cpu: { model: "Test CPU", cores: 2, threads: 2, flags: ["avx2"], speedGHz: 3 },
      memoryGiB: 8,
      gpus: [],
      os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1", arch: "x64" },
      versions: { node: "20" },
    },
    eps: [
      { name: "cpu", state: "available", facts: {} },
      { name: "cuda", state: "skipped", reason: "no GPU", fix: "install CUDA" },
    ],
    settings: { dataset: "synthetic" },
    stability: { loadAverage1m: { min: 0.4, max: 0.6, mean: 0.5 }, highCvRows: [], cvThreshold: 0.1, ...stability },
    rows,
    comparisons,
  });
}

/**
 * Writes a run dir under a new temp folder: `results.json` from `rows`, and for each model
 * in `trained` a model dir (the rows' onnxPath folder is rewritten to it) with train.json.
 */
export async function writeFixtureRun(
  rows: ResultRow[],
  trained: Record<string, TrainRecord> = {},
  runId?: string,
  stability: Partial<RunResults["stability"]> = {},
): Promise<{ root: string; runDir: string }> {
  const root = await mkdtemp(join(tmpdir(), "report-test-"));
  const runDir = join(root, "runs", runId ?? "run");
  await mkdir(runDir, { recursive: true });
  const fixed = rows.map((r) => ({ ...r, onnxPath: join(root, "models", r.model, `model.${r.precision}.onnx`) }));
  for (const [model, rec] of Object.entries(trained)) {
    const dir = join(root, "models", model);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "train.json"), JSON.stringify(rec));
  }
  await writeFile(join(runDir, "results.json"), JSON.stringify(runResults(fixed, runId, stability)));
  return { root, runDir };
}

/** The tables of a fixture run's report (model images and confusion matrices off), in page order. */
export const FIXTURE_REPORT_TABLES: readonly string[] = [
  "summary-fastest",
  "summary-int8-speedup",
  "efficiency",
  "fp32-vs-int8",
  "intra-op-threads",
  "architecture-sweep",
  "filter-sweep",
  "cnn-vs-fcnn",
  "transfer-vs-scratch",
  "best-models",
  "memory-estimate",
  "memory-exercise",
];

/** A cached CPU ceilings entry (100 GFLOP/s FP32, 400 GOP/s INT8, 10 GB/s) as the cache and report tests write and read it. */
export const CACHED_CPU_CEILINGS: EpCeilings = {
  ep: "cpu",
  measuredAt: "2026-01-01T00:00:00.000Z",
  seconds: 9,
  figures: [],
  fp32Gflops: 100,
  int8Gops: 400,
  bandwidthGBs: 10,
  notes: [],
};
