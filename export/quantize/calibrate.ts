/**
 * Calibration: runs the float model in ONNX Runtime (CPU EP, no graph optimisation) with
 * every tensor to be quantized added as a graph output, over the calibration feeds, and
 * turns what it sees into one real range per tensor (min/max, percentile or entropy).
 */
import type * as ort from "onnxruntime-node";
import { openOrtSession, ortSessionOptions } from "../../ort/index.ts";
import { encodeOnnx, onnx } from "../../formats/onnx/onnx-io.ts";
import { makeValueInfo } from "../../formats/onnx/onnx-model.ts";
import { addToHistogram, entropyRange, type Histogram, makeHistogram, percentileRange, type RangeStats } from "./calibration-methods.ts";
import { cloneModel } from "../../formats/onnx/graph-view.ts";
import type { CalibrationMethod } from "./options.ts";
import { DT } from "../../formats/onnx/tensor-data.ts";

/** What to calibrate and how. */
export interface CalibrationRequest {
  readonly method: CalibrationMethod;
  /** Percentile of |x| kept inside the range (percentile method), 0–100. */
  readonly percentile: number;
}

function floatData(t: ort.Tensor | undefined): Float32Array | undefined {
  return t && t.type === "float32" ? (t.data as Float32Array) : undefined;
}

function minMax(data: Float32Array, s: RangeStats): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
  }
}

async function forEachRun(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>[],
  names: readonly string[],
  visit: (name: string, data: Float32Array, dims: readonly number[]) => void,
): Promise<void> {
  const outputs = new Set(session.outputNames);
  for (const feed of feeds) {
    const results = await session.run(feed);
    for (const name of names) {
      const t = outputs.has(name) ? results[name] : feed[name];
      const data = floatData(t);
      if (t && data) visit(name, data, t.dims);
    }
    for (const t of Object.values(results)) t.dispose();
  }
}

/**
 * Real range of each tensor in `names` (float tensors of `model`; graph inputs are read from
 * the feeds), with its per-sample dims as seen in the first run. Tensors never seen (not
 * float, or not computed) are absent from the result.
 */
export async function calibrateRanges(
  model: onnx.IModelProto,
  feeds: Record<string, ort.Tensor>[],
  names: readonly string[],
  request: CalibrationRequest,
): Promise<Map<string, RangeStats>> {
  if (feeds.length === 0) throw new Error("Static quantization needs at least one calibration feed; got 0.");
  const augmented = cloneModel(model);
  const graph = augmented.graph;
  const inputs = new Set(graph.input.map((v) => v.name));
  const existing = new Set(graph.output.map((v) => v.name));
  for (const name of names) {
    if (!inputs.has(name) && !existing.has(name)) {
      graph.output.push(makeValueInfo({ name, type: { tensorType: { elemType: DT.FLOAT } } }));
    }
  }
  const session = await openOrtSession(encodeOnnx(augmented), ortSessionOptions({ executionProviders: ["cpu"], graphOptimization: "disabled", logLevel: 3 }));
  try {
    const stats = new Map<string, RangeStats>();
    await forEachRun(session, feeds, names, (name, data, dims) => {
      const s = stats.get(name) ?? { min: Infinity, max: -Infinity, dims: dims.slice(1) };
      minMax(data, s);
      stats.set(name, s);
    });
    for (const [name, s] of stats) if (!Number.isFinite(s.min) || !Number.isFinite(s.max)) stats.delete(name);
    if (request.method === "minmax") return stats;
    const hists = new Map<string, Histogram>();
    const abs = request.method === "percentile";
    for (const [name, s] of stats) {
      const t = Math.max(Math.abs(s.min), Math.abs(s.max));
      hists.set(name, abs ? makeHistogram(0, t) : makeHistogram(-t, t));
    }
    await forEachRun(session, feeds, [...stats.keys()], (name, data) => {
      const h = hists.get(name);
      if (h) addToHistogram(h, data, abs);
    });
    const ranges = new Map<string, RangeStats>();
    for (const [name, s] of stats) {
      const h = hists.get(name);
      if (!h) continue;
      ranges.set(name, { ...(abs ? percentileRange(h, s, request.percentile) : entropyRange(h, s)), dims: s.dims });
    }
    return ranges;
  } finally {
    await session.release();
  }
}
