/**
 * Bench section `train`: LeNet training speed (samples/s at batch 128) on every training
 * backend that loads, in one run, on real MNIST images; the wasm/cpu ratio; the wasm
 * backend's per-kernel time for one training step with the stock kernels (plus the
 * missing Conv2DBackpropFilter) and with the training kernels of train/backends; and
 * whether the targets (wasm >= 600 samples/s, wasm >= 20x cpu) are met.
 *
 * Run: `npx tsx cli/bench.ts train` (add `--quick` for a short run).
 */
import { availableParallelism, loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { BenchOptions, BenchSection } from "./bench-section.ts";
import {
  TRAINING_BACKENDS,
  installWasmTrainingKernels,
  selectBackend,
  type BackendName,
  type WasmKernelSet,
  loadDataset,
  type ImageSet,
  buildModel,
} from "../train/index.ts";

/** Batch size of the measurements, in images. */
const BATCH = 128;
/**
 * Batch size on the stock cpu backend, in images. Its conv gradient kernels read every
 * element through `TensorBuffer.get`: one LeNet batch of 128 takes minutes, so cpu is
 * time-boxed to a smaller batch; its cost per image is the same at any batch size (no
 * fixed per-step cost to amortise), so samples/s compare.
 */
const CPU_BATCH = { quick: 8, full: 16 } as const;
/** Targets the section reports against. */
const TARGETS = { wasmSamplesPerSec: 600, wasmOverCpu: 20 } as const;

/** How long to measure one backend. */
interface Budget {
  /** Timed rounds; samples/s is their median (other processes on a shared machine only ever slow a round down). */
  readonly rounds: number;
  /** Batches timed per round (after warm-up). */
  readonly batches: number;
  /** Time box per round in ms: a round stops after the batch that crosses it. */
  readonly maxMs: number;
  /** Train one untimed batch first (JIT, XNNPACK operator setup); skipped on cpu, where one batch takes ~25 s. */
  readonly warmUp: boolean;
  /** Images per batch. */
  readonly batchSize: number;
}

function budget(name: BackendName, quick: boolean): Budget {
  // The stock cpu backend takes ~25 s per LeNet batch of 128: a few batches only.
  if (name === "cpu") {
    return quick
      ? { rounds: 1, batches: 1, maxMs: 60_000, warmUp: false, batchSize: CPU_BATCH.quick }
      : { rounds: 1, batches: 3, maxMs: 120_000, warmUp: true, batchSize: CPU_BATCH.full };
  }
  return quick
    ? { rounds: 1, batches: 5, maxMs: 10_000, warmUp: true, batchSize: BATCH }
    : { rounds: 3, batches: 10, maxMs: 30_000, warmUp: true, batchSize: BATCH };
}

/** One backend's row: measured, or why not. */
type BackendRow =
  | {
      name: BackendName;
      state: "ok";
      /** Median over rounds. */
      samplesPerSec: number;
      /** Every round's samples/s, in order. */
      roundSamplesPerSec: number[];
      msPerStep: number;
      batchSize: number;
      batches: number;
      lastLoss: number;
    }
  | { name: BackendName; state: "skipped"; reason: string }
  | { name: BackendName; state: "errored"; error: string };

/** Time spent in one kernel during one training step, in ms (summed over its calls). */
interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

/** LeNet on MNIST's input shape, compiled as the labs do (adam, categorical crossentropy). */
function lenet(): tf.LayersModel {
  const model = buildModel("lenet", { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  model.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy" });
  return model;
}

/** Batch `i` of `size` images of `set` (wrapping around) as tensors on the active backend. */
function batch(set: ImageSet, i: number, size: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const batches = Math.floor(set.count / size);
  const start = (i % batches) * size;
  const xs = tf.tensor4d(set.images.subarray(start * 784, (start + size) * 784), [size, 28, 28, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(set.labels.subarray(start, start + size), "int32"), 10) as tf.Tensor2D);
  return { xs, ys };
}

/**
 * Trains `model` for `rounds` rounds of `batches` batches (a round stops early past
 * `maxMs`); returns the median samples/s, every round's, ms per step and the last loss.
 */
async function measure(model: tf.LayersModel, set: ImageSet, { rounds, batches, maxMs, warmUp, batchSize }: Budget) {
  const data = Array.from({ length: Math.min(batches, 8) }, (_, i) => batch(set, i, batchSize));
  try {
    const warm = data[0]!;
    if (warmUp) await model.trainOnBatch(warm.xs, warm.ys);
    let lastLoss = NaN;
    let steps = 0;
    const perRound: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let done = 0;
      const t0 = performance.now();
      while (done < batches && (done === 0 || performance.now() - t0 < maxMs)) {
        const b = data[done % data.length]!;
        lastLoss = (await model.trainOnBatch(b.xs, b.ys)) as number;
        done++;
      }
      perRound.push((done * batchSize * 1000) / (performance.now() - t0));
      steps += done;
    }
    const sorted = [...perRound].sort((a, b) => a - b);
    const samplesPerSec = sorted[Math.floor(sorted.length / 2)]!;
    return {
      samplesPerSec,
      roundSamplesPerSec: perRound.map((v) => round(v, 1)),
      msPerStep: (batchSize * 1000) / samplesPerSec,
      batchSize,
      batches: steps,
      lastLoss,
    };
  } finally {
    for (const b of data) tf.dispose([b.xs, b.ys]);
  }
}

/** Per-kernel time of one training step on the active backend, top `top` by ms. */
async function kernelBreakdown(model: tf.LayersModel, set: ImageSet, top: number): Promise<{ totalMs: number; kernels: KernelTime[] }> {
  const { xs, ys } = batch(set, 0, BATCH);
  try {
    await model.trainOnBatch(xs, ys);
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await model.trainOnBatch(xs, ys);
    });
    const totalMs = performance.now() - t0;
    const byName = new Map<string, KernelTime>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
      const row = byName.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
      row.ms += ms;
      row.calls++;
      byName.set(k.name, row);
    }
    const kernels = [...byName.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((k) => ({ ...k, ms: round(k.ms, 2) }));
    return { totalMs: round(totalMs, 1), kernels };
  } finally {
    tf.dispose([xs, ys]);
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Loads `name`, builds a fresh LeNet and measures it; never throws. */
async function measureBackend(name: BackendName, set: ImageSet, quick: boolean): Promise<BackendRow> {
  try {
    await selectBackend(name);
  } catch (e) {
    return { name, state: "skipped", reason: (e as Error).message };
  }
  const model = lenet();
  try {
    const r = await measure(model, set, budget(name, quick));
    console.log(`  ${name}: ${r.samplesPerSec.toFixed(1)} samples/s (${r.batches} batches of ${r.batchSize})`);
    return { name, state: "ok", ...r, samplesPerSec: round(r.samplesPerSec, 1), msPerStep: round(r.msPerStep, 1) };
  } catch (e) {
    return { name, state: "errored", error: (e as Error).message };
  } finally {
    model.dispose();
  }
}

/** Samples/s and per-kernel time on wasm with kernel set `set`. */
async function wasmVariant(kernels: WasmKernelSet, set: ImageSet, quick: boolean) {
  await selectBackend("wasm");
  installWasmTrainingKernels(kernels);
  const model = lenet();
  try {
    const speed = await measure(model, set, budget("wasm", quick));
    const breakdown = await kernelBreakdown(model, set, 10);
    return { kernels, samplesPerSec: round(speed.samplesPerSec, 1), msPerStep: round(speed.msPerStep, 1), stepProfile: breakdown };
  } finally {
    model.dispose();
    installWasmTrainingKernels("all");
  }
}

/** The `train` bench section. */
export const trainBench: BenchSection = {
  name: "train",
  description: "LeNet training samples/s at batch 128 per backend (MNIST), wasm/cpu ratio, wasm per-kernel time",
  async run(options: BenchOptions) {
    const quick = options.quick;
    const dataset = await loadDataset("mnist", { limit: 8 * BATCH, testLimit: 0 });
    const set = dataset.train;
    const rows: BackendRow[] = [];
    for (const backend of TRAINING_BACKENDS) rows.push(await measureBackend(backend.name, set, quick));
    const speed = (n: BackendName) => {
      const r = rows.find((x) => x.name === n);
      return r?.state === "ok" ? r.samplesPerSec : undefined;
    };
    const wasm = speed("wasm");
    const cpu = speed("cpu");
    const ratio = wasm !== undefined && cpu !== undefined ? round(wasm / cpu, 1) : undefined;
    console.log("  wasm per-kernel profile, stock kernels then training kernels");
    const stock = await wasmVariant("missing", set, quick);
    const tuned = await wasmVariant("all", set, quick);
    return {
      model: "lenet",
      batchSize: BATCH,
      data: `MNIST, first ${set.count} training images (${dataset.info.source})`,
      quick,
      loadAverage1m: round(loadavg()[0] ?? 0, 2),
      cpuCores: availableParallelism(),
      backends: rows,
      wasmOverCpu: ratio ?? null,
      wasmKernels: {
        note: "one training step on wasm, ms per kernel summed over calls (tf.profile); 'missing' = stock wasm kernels plus the added Conv2DBackpropFilter, 'all' = with the faster Conv2DBackpropInput, MaxPoolGrad and transposed BatchMatMul",
        stock,
        tuned,
        speedup: round(tuned.samplesPerSec / stock.samplesPerSec, 2),
      },
      targets: {
        wasmSamplesPerSec: { target: TARGETS.wasmSamplesPerSec, value: wasm ?? null, met: wasm !== undefined && wasm >= TARGETS.wasmSamplesPerSec },
        wasmOverCpu: { target: TARGETS.wasmOverCpu, value: ratio ?? null, met: ratio !== undefined && ratio >= TARGETS.wasmOverCpu },
      },
    };
  },
};
