/**
 * `npm run bench -- quant`: CPU EP throughput of INT8 against FP32 for LeNet and the basic
 * CNN at batch 1 and 32, measured side by side (rounds of FP32 and INT8 interleaved, order
 * alternating), with ORT's optimized-graph op histograms and per-op kernel times from ORT
 * profiling, so the JSON shows why INT8 is or is not faster.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { encodeOnnx, readOnnx, writeOnnx } from "../export/onnx/onnx-io.ts";
import { optimizedOpHistogram, quantizeStatic } from "../export/quantize/index.ts";
import { buildReferenceModel, randomImageFeeds, type ReferenceModelName } from "../export/quantize/reference-models.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";

const MODELS: readonly ReferenceModelName[] = ["lenet", "basic-cnn"];
const BATCHES = [1, 32] as const;

interface Variant {
  readonly label: string;
  readonly path: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Input name and NCHW/NHWC shape of a model's first input, batch replaced by `batch`. */
async function inputSpec(path: string): Promise<{ name: string; dims: number[] }> {
  const model = await readOnnx(path);
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const input = (model.graph?.input ?? []).find((v) => !inits.has(v.name));
  const dims = (input?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue ? Number(d.dimValue) : 1));
  return { name: input?.name ?? "input", dims };
}

function feedFor(spec: { name: string; dims: number[] }, batch: number): Record<string, ort.Tensor> {
  const dims = [batch, ...spec.dims.slice(1)];
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7919) % 256) / 255);
  return { [spec.name]: new ort.Tensor("float32", data, dims) };
}

/** Interleaved throughput (samples/s) of the variants at one batch size. */
async function throughput(variants: Variant[], batch: number, quick: boolean, threads: number): Promise<Record<string, unknown>> {
  const sessions = await Promise.all(
    variants.map((v) => ort.InferenceSession.create(v.path, { executionProviders: ["cpu"], graphOptimizationLevel: "all", intraOpNumThreads: threads, logSeverityLevel: 3 })),
  );
  try {
    const spec = await inputSpec(variants[0]?.path ?? "");
    const feed = feedFor(spec, batch);
    const roundMs = quick ? 60 : 250;
    const rounds = quick ? 5 : 15;
    // calibrate iterations per round on the first variant, warm every session
    let iters = 1;
    for (const s of sessions) for (let i = 0; i < 5; i++) await s.run(feed);
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < iters; i++) await sessions[0]?.run(feed);
      if (performance.now() - t > roundMs / 4 || iters > 1e5) break;
      iters *= 2;
    }
    iters *= 4;
    const perRound: number[][] = variants.map(() => []);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sessions.map((_, i) => i) : sessions.map((_, i) => sessions.length - 1 - i);
      for (const k of order) {
        const s = sessions[k];
        if (!s) continue;
        const t = performance.now();
        for (let i = 0; i < iters; i++) await s.run(feed);
        perRound[k]?.push((iters * batch * 1000) / (performance.now() - t));
      }
    }
    const out: Record<string, unknown> = { batch, intraOpThreads: threads, rounds, runsPerRound: iters };
    variants.forEach((v, k) => (out[`${v.label}_samplesPerSec`] = Math.round(median(perRound[k] ?? []))));
    const base = perRound[0] ?? [];
    variants.slice(1).forEach((v, j) => {
      const ratios = (perRound[j + 1] ?? []).map((x, r) => x / (base[r] ?? 1));
      out[`ratio_${v.label}_over_${variants[0]?.label}`] = Number(median(ratios).toFixed(3));
    });
    return out;
  } finally {
    for (const s of sessions) await s.release();
  }
}

/** Kernel time per op type (µs per run: per-node medians over the runs, summed) from an ORT profile of `runs` runs at `batch`. */
async function kernelTimes(path: string, batch: number, runs: number): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), "ort-profile-"));
  try {
    const session = await ort.InferenceSession.create(path, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      enableProfiling: true,
      profileFilePrefix: join(dir, "quant"),
      logSeverityLevel: 3,
    });
    const feed = feedFor(await inputSpec(path), batch);
    for (let i = 0; i < runs; i++) await session.run(feed);
    session.endProfiling();
    await session.release();
    const file = (await readdir(dir)).find((f) => f.endsWith(".json"));
    if (!file) return {};
    const events = JSON.parse(await readFile(join(dir, file), "utf8")) as { name?: string; dur?: number; args?: { op_name?: string } }[];
    // median per node over the runs (robust to the noisy shared cores), summed per op type
    const perNode = new Map<string, { op: string; durs: number[] }>();
    for (const e of events) {
      if (!e.name?.endsWith("_kernel_time") || !e.args?.op_name) continue;
      const entry = perNode.get(e.name) ?? { op: e.args.op_name, durs: [] };
      entry.durs.push(e.dur ?? 0);
      perNode.set(e.name, entry);
    }
    const totals: Record<string, number> = {};
    for (const { op, durs } of perNode.values()) totals[op] = (totals[op] ?? 0) + median(durs);
    return Object.fromEntries(Object.entries(totals).sort(([, a], [, b]) => b - a).map(([k, v]) => [k, Math.round(v)]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchModel(name: ReferenceModelName, options: BenchOptions, work: string): Promise<Record<string, unknown>> {
  const dir = join(options.out, "models", `${name}-mnist`);
  const trained = { fp32: join(dir, "model.fp32.onnx"), int8: join(dir, "model.int8.onnx") };
  const variants: Variant[] = [];
  let source: Record<string, unknown>;
  if (existsSync(trained.fp32) && existsSync(trained.int8)) {
    source = { kind: "trained", fp32: trained.fp32, int8: trained.int8 };
    variants.push({ label: "fp32", path: trained.fp32 }, { label: "int8", path: trained.int8 });
  } else {
    source = {
      kind: "reference (random weights, calibrated on 8 random batches of 8)",
      missing: `${trained.fp32} / ${trained.int8}: create them with \`npm run export -- --model-dir ${dir}\``,
    };
    const fp32 = buildReferenceModel(name);
    const feeds = randomImageFeeds(8, 8);
    const u8 = await quantizeStatic(fp32, feeds, { method: "minmax", activationType: "uint8" });
    const all = await quantizeStatic(fp32, feeds, { method: "minmax", activationType: "uint8", minConvInputChannels: 0 });
    const s8 = await quantizeStatic(fp32, feeds, { method: "minmax", activationType: "int8" });
    const paths = {
      fp32: join(work, `${name}.fp32.onnx`),
      u8: join(work, `${name}.int8.onnx`),
      all: join(work, `${name}.int8-allconv.onnx`),
      s8: join(work, `${name}.int8-s8act.onnx`),
    };
    await writeOnnx(paths.fp32, fp32);
    await writeOnnx(paths.u8, u8.model);
    await writeOnnx(paths.all, all.model);
    await writeOnnx(paths.s8, s8.model);
    variants.push(
      { label: "fp32", path: paths.fp32 },
      { label: "int8", path: paths.u8 },
      { label: "int8_allconv", path: paths.all },
      { label: "int8_s8act", path: paths.s8 },
    );
    source.variants = {
      int8: "uint8 activations, int8 per-channel weights, first Conv (1 input channel) float (default options)",
      int8_allconv: "as int8 but every Conv quantized (minConvInputChannels 0, what ORT's own tool does)",
      int8_s8act: "as int8 with int8 activations",
    };
    source.sizesBytes = { fp32: encodeOnnx(fp32).byteLength, int8: encodeOnnx(u8.model).byteLength };
  }
  const result: Record<string, unknown> = { source };
  const histograms: Record<string, unknown> = {};
  for (const v of variants) histograms[v.label] = await optimizedOpHistogram(v.path);
  result.optimizedOpHistogram = histograms;
  const rows: Record<string, unknown>[] = [];
  for (const batch of BATCHES) {
    console.log(`  ${name} batch ${batch}…`);
    rows.push(await throughput(variants, batch, options.quick, 0));
    if (!options.quick) rows.push(await throughput(variants.slice(0, 2), batch, false, 1));
  }
  result.throughput = rows;
  const kernels: Record<string, unknown> = {};
  for (const v of variants) kernels[v.label] = await kernelTimes(v.path, 32, options.quick ? 10 : 40);
  result.kernelMicrosPerRunBatch32 = kernels;
  return result;
}

/** The "quant" bench section. */
export const quantBench: BenchSection = {
  name: "quant",
  description: "CPU EP throughput INT8 vs FP32 (LeNet, basic CNN; batch 1 and 32), op histograms, per-op kernel times",
  async run(options: BenchOptions): Promise<Record<string, unknown>> {
    const work = await mkdtemp(join(tmpdir(), "bench-quant-"));
    try {
      const models: Record<string, unknown> = {};
      for (const name of MODELS) models[name] = await benchModel(name, options, work);
      return { ort: ort.env.versions.common, threadsDefault: "ORT default intra-op threads (0 = one per core)", models };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
