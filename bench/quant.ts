/**
 * `npm run bench -- quant`: what INT8 buys on this machine's CPU EP. For LeNet, the basic
 * CNN and the architecture-sweep models on MNIST (trained for 1 epoch when missing), exports
 * FP32, the tuned `int8` and the every-node `int8-all` (ONNX Runtime's default recipe), then
 * times them side by side in one interleaved window per batch (`measure/`), each also at one
 * intra-op thread, and reports paired speedups with 95% intervals, test-set accuracy, the
 * tuner's candidates and the goals: tuned ≥ 2.0x at batch 32 and ≥ 1.3x at batch 1 for
 * lenet and basic-cnn, accuracy at most 0.3 points below FP32, tuned never slower than int8-all.
 * ONNX files in `<out>/foreign/` (written by another exporter, e.g.
 * `bench/foreign/write-torch-models.py`) are quantized, tuned on generated inputs and timed too.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { loadavg } from "node:os";
import { basename, dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { exportModel, type ExportRecord, exportOnnxFile } from "../export/index.ts";
import { functionTimer, measureInterleaved, pairedSpeedup, type SpeedupEstimate } from "../measure/index.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";
import { ensureTrained } from "../train/index.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";
import { kernelTimes, syntheticFeed, benchInterleave } from "./ort-bench-helpers.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

const MODELS = ["lenet", "basic-cnn", "tiny-cnn", "shallow-cnn", "wide-cnn", "deep-cnn"] as const;
const GOAL_MODELS = new Set(["lenet", "basic-cnn"]);
const BATCHES = [1, 32] as const;
/** Variants timed in one window: precision and intra-op threads (0 = ORT's default). */
const VARIANTS = [
  { name: "fp32", precision: "fp32", threads: 0 },
  { name: "int8", precision: "int8", threads: 0 },
  { name: "int8-all", precision: "int8-all", threads: 0 },
  { name: "fp32@1t", precision: "fp32", threads: 1 },
  { name: "int8@1t", precision: "int8", threads: 1 },
] as const;

const round3 = (e: SpeedupEstimate | null) =>
  e && { speedup: Number(e.speedup.toFixed(3)), ci95: e.ci95.map((x) => Number(x.toFixed(3))), verdict: e.verdict, pairs: e.pairs };

/** One interleaved window of every variant at `batch`; `fileOf` gives each precision's file. */
async function window(fileOf: (precision: string) => string, batch: number, quick: boolean): Promise<Record<string, unknown>> {
  const sessions = new Map<string, ort.InferenceSession>();
  try {
    for (const v of VARIANTS) {
      sessions.set(
        v.name,
        await openOrtSession(
          fileOf(v.precision),
          // five sessions alternate in one process: a pool left spinning would steal the cores from the next block
          ortSessionOptions({ executionProviders: ["cpu"], graphOptimization: "all", intraOpThreads: v.threads, logLevel: 3, spinning: false }),
        ),
      );
    }
    const feed = syntheticFeed(sessions.get("fp32")!, batch);
    const timers = VARIANTS.map((v) => functionTimer(v.name, () => sessions.get(v.name)!.run(feed)));
    const measureMs = quick ? 1500 : 6000;
    const r = await measureInterleaved(timers, benchInterleave(measureMs, 1));
    const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    return {
      batch,
      cycles: r.cycles,
      p50Ms: Object.fromEntries(VARIANTS.map((v, i) => [v.name, Number(median(r.samples[i] ?? []).toFixed(4))])),
      int8OverFp32: round3(pairedSpeedup(r.blocks, "fp32", "int8")),
      int8AllOverFp32: round3(pairedSpeedup(r.blocks, "fp32", "int8-all")),
      int8OverInt8All: round3(pairedSpeedup(r.blocks, "int8-all", "int8")),
      threads: {
        note: "speedup of one intra-op thread over ORT's default (0 = one per core), same precision; and int8 over fp32 both at one thread",
        fp32OneThread: round3(pairedSpeedup(r.blocks, "fp32", "fp32@1t")),
        int8OneThread: round3(pairedSpeedup(r.blocks, "int8", "int8@1t")),
        int8OverFp32AtOneThread: round3(pairedSpeedup(r.blocks, "fp32@1t", "int8@1t")),
      },
    };
  } finally {
    for (const s of sessions.values()) await s.release();
  }
}

function accuracyOf(record: ExportRecord, precision: string): number | null {
  return record.precisions.find((p) => p.precision === precision)?.accuracy ?? null;
}

async function benchModel(model: string, options: BenchOptions): Promise<Record<string, unknown>> {
  const { dir } = await ensureTrained({ model, dataset: "mnist", out: options.out, epochs: 1, ...(options.quick ? { limit: 6000 } : {}), summary: false });
  const record = await exportModel({
    modelDir: dir,
    precisions: ["fp32", "int8", "int8-all"],
    ...(options.quick ? { parityLimit: 2000, tuneMs: 1000 } : {}),
    onProgress: (l) => console.log(`  ${l}`),
  });
  const rows = [];
  for (const batch of BATCHES) {
    console.log(`  ${model} batch ${batch}…`);
    rows.push(await window((p) => join(dir, `model.${p}.onnx`), batch, options.quick));
  }
  const fp32 = accuracyOf(record, "fp32") ?? 0;
  const acc = { fp32, int8: accuracyOf(record, "int8"), int8All: accuracyOf(record, "int8-all") };
  const dropPoints = acc.int8 === null ? null : Number(((fp32 - acc.int8) * 100).toFixed(3));
  const tuned = record.tuning;
  const int8 = record.precisions.find((p) => p.precision === "int8");
  return {
    dir,
    testImages: record.evaluation.count,
    accuracy: acc,
    int8AccuracyDropPoints: dropPoints,
    tuning: tuned && {
      batch: tuned.batch,
      ep: tuned.ep,
      intraOpThreads: tuned.intraOpThreads,
      seconds: Number(tuned.seconds.toFixed(1)),
      chosen: tuned.chosen,
      why: tuned.why,
      candidates: tuned.candidates.map((c) => ({
        name: c.name,
        floatNodes: c.floatNodes,
        speedup: c.speedup && Number(c.speedup.toFixed(3)),
        accuracyDropPoints: c.accuracyDropPoints && Number(c.accuracyDropPoints.toFixed(3)),
      })),
    },
    int8FloatNodes: int8?.quantization?.float ?? [],
    opHistogram: Object.fromEntries(record.precisions.map((p) => [p.precision, p.opHistogram])),
    throughput: rows,
    kernelMicrosPerRunBatch32: {
      fp32: await kernelTimes(join(dir, "model.fp32.onnx"), 32, options.quick ? 10 : 40),
      int8: await kernelTimes(join(dir, "model.int8.onnx"), 32, options.quick ? 10 : 40),
      "int8-all": await kernelTimes(join(dir, "model.int8-all.onnx"), 32, options.quick ? 10 : 40),
    },
  };
}

/** Folder of ONNX files written by another exporter (`bench/foreign/write-torch-models.py`). */
const FOREIGN_DIR = "foreign";

/** A foreign model: quantized and tuned on generated inputs (accuracy unknown), then timed like the zoo models. */
async function benchForeign(path: string, options: BenchOptions): Promise<Record<string, unknown>> {
  const stem = basename(path).replace(/\.onnx$/, "");
  const outDir = join(dirname(path), "quantized");
  await ensureOutputDir(outDir);
  const record = await exportOnnxFile({
    onnx: path,
    precisions: ["int8", "int8-all"],
    outDir,
    ...(options.quick ? { tuneMs: 1000 } : {}),
    onProgress: (l) => console.log(`  ${l}`),
  });
  const fileOf = (p: string) => (p === "fp32" ? path : join(outDir, `${stem}.${p}.onnx`));
  const rows = [];
  for (const batch of BATCHES) {
    console.log(`  ${stem} batch ${batch}…`);
    rows.push(await window(fileOf, batch, options.quick));
  }
  const tuned = record.tuning;
  return {
    source: path,
    calibration: record.calibration,
    tuning: tuned && {
      batch: tuned.batch,
      chosen: tuned.chosen,
      why: tuned.why,
      seconds: Number(tuned.seconds.toFixed(1)),
      candidates: tuned.candidates.map((c) => ({ name: c.name, floatNodes: c.floatNodes, speedup: c.speedup && Number(c.speedup.toFixed(3)) })),
    },
    int8FloatNodes: record.precisions.find((p) => p.precision === "int8")?.quantization.float ?? [],
    opHistogram: Object.fromEntries(record.precisions.map((p) => [p.precision, p.opHistogram])),
    throughput: rows,
  };
}

/** The goals, checked on the measured figures. */
function goals(models: Record<string, Record<string, unknown>>): { model: string; goal: string; value: number | string | null; met: boolean }[] {
  const out: { model: string; goal: string; value: number | string | null; met: boolean }[] = [];
  for (const [model, r] of Object.entries(models)) {
    const rows = r.throughput as { batch: number; int8OverFp32: { speedup: number } | null; int8OverInt8All: { speedup: number; verdict: string } | null }[];
    if (GOAL_MODELS.has(model)) {
      for (const [batch, target] of [
        [32, 2.0],
        [1, 1.3],
      ] as const) {
        const s = rows.find((x) => x.batch === batch)?.int8OverFp32?.speedup ?? null;
        out.push({ model, goal: `int8 ≥ ${target}x over fp32 at batch ${batch}`, value: s, met: s !== null && s >= target });
      }
    }
    if ("int8AccuracyDropPoints" in r) {
      const drop = r.int8AccuracyDropPoints as number | null;
      out.push({ model, goal: "int8 accuracy at most 0.3 points below fp32", value: drop, met: drop !== null && drop <= 0.3 });
    }
    const sameRecipe = (r.tuning as { chosen?: string } | null)?.chosen === "all";
    for (const x of rows) {
      const value = sameRecipe ? "same recipe (the tuner chose all)" : x.int8OverInt8All ? `${x.int8OverInt8All.speedup} (${x.int8OverInt8All.verdict})` : null;
      out.push({ model, goal: `int8 not slower than int8-all at batch ${x.batch}`, value, met: sameRecipe || x.int8OverInt8All?.verdict !== "slower" });
    }
  }
  return out;
}

/** The "quant" bench section. */
export const quantBench: BenchSection = {
  name: "quant",
  description: "CPU EP: tuned int8 and every-node int8-all vs fp32, interleaved, batch 1 and 32, lenet, basic-cnn and the architecture sweep on MNIST",
  async run(options: BenchOptions): Promise<Record<string, unknown>> {
    const models: Record<string, Record<string, unknown>> = {};
    for (const name of MODELS) {
      console.log(`quant: ${name}`);
      models[name] = await benchModel(name, options);
    }
    const foreignDir = join(options.out, FOREIGN_DIR);
    const foreignFiles = existsSync(foreignDir) ? (await readdir(foreignDir)).filter((f) => f.endsWith(".onnx")).sort() : [];
    const foreign: Record<string, Record<string, unknown>> = {};
    if (foreignFiles.length === 0)
      console.log(
        `quant: no ONNX files in ${foreignDir}; write some with another exporter: /usr/bin/python3 bench/foreign/write-torch-models.py ${foreignDir}`,
      );
    for (const f of foreignFiles) {
      console.log(`quant: ${f} (foreign, generated calibration)`);
      foreign[f] = await benchForeign(join(foreignDir, f), options);
    }
    const checked = goals({ ...models, ...foreign });
    for (const [name, r] of [...Object.entries(models), ...Object.entries(foreign)]) {
      for (const x of r.throughput as { batch: number; int8OverFp32: { speedup: number } | null; int8AllOverFp32: { speedup: number } | null }[]) {
        console.log(
          `${name.padEnd(12)} batch ${String(x.batch).padStart(2)}: int8 ${x.int8OverFp32?.speedup ?? "?"}x, int8-all ${x.int8AllOverFp32?.speedup ?? "?"}x over fp32; int8 accuracy drop ${r.int8AccuracyDropPoints ?? "unknown"} pt`,
        );
      }
    }
    const missed = checked.filter((g) => !g.met);
    console.log(missed.length ? `goals missed: ${missed.map((g) => `${g.model}: ${g.goal} (${g.value})`).join("; ")}` : "all goals met");
    return { ort: ort.env.versions.common, ep: "cpu", threadSpinning: false, trainingEpochs: 1, loadAverage: loadavg(), goals: checked, models, foreign };
  },
};
