/**
 * Bench section `train`: LeNet and basic-cnn training speed (samples/s at batch 128) on
 * every training backend that loads (webgpu with its adapter), side by side in one run, on
 * real MNIST images, and which is fastest per model; the wasm/cpu ratio; the wasm backend's
 * per-kernel time for one LeNet training step with the stock kernels (plus the missing
 * Conv2DBackpropFilter) and with the training kernels of train/backends; and whether the
 * targets (wasm >= 600 samples/s, wasm >= 20x cpu) are met.
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
  buildModel,
  type GpuAdapter,
} from "../train/index.ts";
import { loadDataset, type ImageSet } from "../datasets/index.ts";

/** The models measured on each backend (MNIST's 28x28x1 input). */
const MODELS = ["lenet", "basic-cnn"] as const;
type BenchModel = (typeof MODELS)[number];

/** Batch size of the measurements, in images. */
const BATCH = 128;
/**
 * Batch size on the stock cpu backend, in images. Its conv gradient kernels read every
 * element through `TensorBuffer.get`: one LeNet batch of 128 takes minutes, so cpu is
 * time-boxed to a smaller batch; its cost per image is the same at any batch size (no
 * fixed per-step cost to amortise), so samples/s compare.
 */
const CPU_BATCH = { quick: 8, full: 16 } as const;
/**
 * Batch size on a software GPU adapter (SwiftShader), in images: LeNet at batch 128 takes
 * about 100 s a step there (1.3 samples/s measured), after some 20 s of shader compilation.
 */
const SOFTWARE_GPU_BATCH = 16;
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

function budget(name: BackendName, quick: boolean, softwareGpu: boolean): Budget {
  if (softwareGpu) return { rounds: 1, batches: 1, maxMs: 60_000, warmUp: true, batchSize: SOFTWARE_GPU_BATCH };
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
      model: BenchModel;
      state: "ok";
      /** Median over rounds. */
      samplesPerSec: number;
      /** Every round's samples/s, in order. */
      roundSamplesPerSec: number[];
      msPerStep: number;
      batchSize: number;
      batches: number;
      lastLoss: number;
      /** The GPU adapter (webgpu). */
      adapter?: GpuAdapter;
    }
  | { name: BackendName; model: BenchModel; state: "skipped"; reason: string }
  | { name: BackendName; model: BenchModel; state: "errored"; error: string };

/** Time spent in one kernel during one training step, in ms (summed over its calls). */
interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

/** A zoo model on MNIST's input shape, compiled as the labs do (adam, categorical crossentropy). */
function labModel(name: BenchModel = "lenet"): tf.LayersModel {
  const model = buildModel(name, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
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

/** Loads backend `name`, builds a fresh `modelName` and measures it; never throws. */
async function measureBackend(name: BackendName, modelName: BenchModel, set: ImageSet, quick: boolean): Promise<BackendRow> {
  let adapter: GpuAdapter | undefined;
  try {
    adapter = (await selectBackend(name)).adapter;
  } catch (e) {
    return { name, model: modelName, state: "skipped", reason: (e as Error).message };
  }
  const model = labModel(modelName);
  try {
    const r = await measure(model, set, budget(name, quick, adapter?.software === true));
    const on = adapter ? ` on ${adapter.vendor} ${adapter.architecture}${adapter.software ? " (software)" : ""}` : "";
    console.log(`  ${modelName} ${name}${on}: ${r.samplesPerSec.toFixed(1)} samples/s (${r.batches} batches of ${r.batchSize})`);
    return {
      name,
      model: modelName,
      state: "ok",
      ...r,
      samplesPerSec: round(r.samplesPerSec, 1),
      msPerStep: round(r.msPerStep, 1),
      ...(adapter ? { adapter } : {}),
    };
  } catch (e) {
    return { name, model: modelName, state: "errored", error: (e as Error).message };
  } finally {
    model.dispose();
  }
}

/** Per model: the backends by samples/s, fastest first, and the fastest over the next, e.g. `lenet: wasm 556 > webgpu 1.3 samples/s (428x)`. */
function fastestPerModel(rows: readonly BackendRow[]) {
  return MODELS.map((model) => {
    const ok = rows
      .filter((r): r is Extract<BackendRow, { state: "ok" }> => r.model === model && r.state === "ok")
      .sort((a, b) => b.samplesPerSec - a.samplesPerSec);
    const [first, second] = ok;
    const line = `${model}: ${ok.map((r) => `${r.name} ${r.samplesPerSec}`).join(" > ")} samples/s${first && second ? ` (${first.name} ${round(first.samplesPerSec / second.samplesPerSec, 2)}x ${second.name})` : ""}`;
    return { model, fastest: first?.name ?? null, overNext: first && second ? round(first.samplesPerSec / second.samplesPerSec, 2) : null, line };
  });
}

/** Samples/s and per-kernel time on wasm with kernel set `set`. */
async function wasmVariant(kernels: WasmKernelSet, set: ImageSet, quick: boolean) {
  await selectBackend("wasm");
  installWasmTrainingKernels(kernels);
  const model = labModel();
  try {
    const speed = await measure(model, set, budget("wasm", quick, false));
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
  description:
    "LeNet and basic-cnn training samples/s at batch 128 per backend that loads (MNIST), the fastest per model, wasm/cpu ratio, wasm per-kernel time",
  async run(options: BenchOptions) {
    const quick = options.quick;
    const dataset = await loadDataset("mnist", { limit: 8 * BATCH, testLimit: 0 });
    const set = dataset.train;
    const rows: BackendRow[] = [];
    for (const model of MODELS) for (const backend of TRAINING_BACKENDS) rows.push(await measureBackend(backend.name, model, set, quick));
    const fastest = fastestPerModel(rows);
    for (const f of fastest) console.log(`  fastest ${f.line}`);
    const speed = (n: BackendName) => {
      const r = rows.find((x) => x.name === n && x.model === "lenet");
      return r?.state === "ok" ? r.samplesPerSec : undefined;
    };
    const wasm = speed("wasm");
    const cpu = speed("cpu");
    const ratio = wasm !== undefined && cpu !== undefined ? round(wasm / cpu, 1) : undefined;
    console.log("  wasm per-kernel profile, stock kernels then training kernels");
    const stock = await wasmVariant("missing", set, quick);
    const tuned = await wasmVariant("all", set, quick);
    return {
      models: [...MODELS],
      batchSize: BATCH,
      data: `MNIST, first ${set.count} training images (${dataset.info.source})`,
      quick,
      loadAverage1m: round(loadavg()[0] ?? 0, 2),
      cpuCores: availableParallelism(),
      backends: rows,
      fastest,
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
