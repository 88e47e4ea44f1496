/**
 * A memory estimator for any model: parameters and weight bytes, activation memory of one
 * prediction and of training on a mini-batch of N. Layers come from a hand-written spec
 * list, a tfjs layer list (train.json's architecture) or an ONNX graph with shapes.
 *
 * Assumptions (stated in the report): every value is float32 (4 bytes); training keeps
 * every layer's activations for backprop; training state = weights + gradients + Adam's
 * two moments = 4× the weight bytes; aliasing layers (Flatten, Reshape, Dropout at
 * inference, InputLayer) allocate nothing; the framework's own buffers are not counted.
 */
import { type OnnxGraph, outputAt } from "../formats/onnx/onnx-model.ts";
import { countParams } from "../profile/index.ts";

/** Bytes per value (float32). */
export const BYTES_PER_VALUE = 4;
/** Training state per weight: the weight, its gradient and Adam's m and v. */
export const TRAINING_STATE_FACTOR = 4;

/** One layer with its output shape (no batch axis) and parameters. */
export interface LayerEstimate {
  readonly name: string;
  readonly kind: string;
  /** Output shape without the batch axis, e.g. [100, 150, 100] (H, W, C). */
  readonly outputShape: readonly number[];
  readonly params: number;
  /** Output values per instance (0 for aliasing layers), floats. */
  readonly activations: number;
}

/** A layer of a hand-written spec (Keras semantics: NHWC, `same` pads to ceil(in / stride)). */
export type LayerSpec =
  | {
      kind: "conv2d";
      name?: string;
      filters: number;
      kernel: number | [number, number];
      strides?: number | [number, number];
      padding?: "same" | "valid";
      bias?: boolean;
    }
  | { kind: "maxPool2d" | "avgPool2d"; name?: string; pool: number | [number, number]; strides?: number | [number, number]; padding?: "same" | "valid" }
  | { kind: "dense"; name?: string; units: number; bias?: boolean }
  | { kind: "flatten"; name?: string }
  | { kind: "activation"; name?: string };

function pair(v: number | [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : v;
}

function outSize(n: number, k: number, s: number, padding: "same" | "valid"): number {
  return padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Layer estimates of a spec list applied to an input of shape `input` (H, W, C or a flat [N]). */
export function layersFromSpecs(input: readonly number[], specs: readonly LayerSpec[]): LayerEstimate[] {
  let shape = [...input];
  return specs.map((spec, i) => {
    const name = spec.name ?? `${spec.kind}_${i + 1}`;
    let params = 0;
    let alias = false;
    switch (spec.kind) {
      case "conv2d": {
        const [h = 1, w = 1, c = 1] = shape;
        const [kh, kw] = pair(spec.kernel);
        const [sh, sw] = pair(spec.strides ?? 1);
        const pad = spec.padding ?? "valid";
        params = kh * kw * c * spec.filters + (spec.bias === false ? 0 : spec.filters);
        shape = [outSize(h, kh, sh, pad), outSize(w, kw, sw, pad), spec.filters];
        break;
      }
      case "maxPool2d":
      case "avgPool2d": {
        const [h = 1, w = 1, c = 1] = shape;
        const [ph, pw] = pair(spec.pool);
        const [sh, sw] = pair(spec.strides ?? spec.pool);
        const pad = spec.padding ?? "valid";
        shape = [outSize(h, ph, sh, pad), outSize(w, pw, sw, pad), c];
        break;
      }
      case "dense":
        params = product(shape) * spec.units + (spec.bias === false ? 0 : spec.units);
        shape = [spec.units];
        break;
      case "flatten":
        shape = [product(shape)];
        alias = true;
        break;
      case "activation":
        break;
    }
    return { name, kind: spec.kind, outputShape: shape, params, activations: alias ? 0 : product(shape) };
  });
}

/** Parses a Keras-style output shape `(None, 24, 24, 32)` (several for multi-output layers) into dims without the batch axis. */
export function parseOutputShape(text: string): number[][] {
  return [...text.matchAll(/\(([^()]*)\)|\[([^[\]]*)\]/g)].map((m) =>
    (m[1] ?? m[2] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "" && !/^(None|null)$/.test(s))
      .map(Number),
  );
}

const ALIAS_LAYERS = new Set(["InputLayer", "Flatten", "Reshape", "Dropout", "SpatialDropout2D", "GaussianNoise"]);

/** Layer estimates from a tfjs layer list (train.json's `architecture`). */
export function layersFromTfjs(architecture: readonly { name: string; className: string; outputShape: string; params: number }[]): LayerEstimate[] {
  return architecture.map((l) => {
    const shapes = parseOutputShape(l.outputShape);
    const values = shapes.reduce((s, d) => s + product(d), 0);
    return { name: l.name, kind: l.className, outputShape: shapes[0] ?? [], params: l.params, activations: ALIAS_LAYERS.has(l.className) ? 0 : values };
  });
}

const ONNX_ALIAS_OPS = new Set(["Reshape", "Flatten", "Identity", "Dropout", "Squeeze", "Unsqueeze"]);

/**
 * Layer estimates from an ONNX graph: one per node whose first output has a known shape
 * (graph `valueInfo` or outputs; the batch axis, symbolic or not, is dropped). Parameters
 * are counted on the graph (initializers). Returns the layers and how many nodes had no shape.
 */
export function layersFromOnnx(graph: OnnxGraph): { layers: LayerEstimate[]; unknownShapes: number; params: number } {
  const shapes = new Map<string, number[]>();
  for (const v of [...graph.valueInfo, ...graph.output]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (!v.name || !dims) continue;
    const rest = dims.slice(1).map((d) => (d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : NaN));
    if (rest.every(Number.isFinite)) shapes.set(v.name, rest);
  }
  let unknownShapes = 0;
  const layers: LayerEstimate[] = [];
  for (const [i, node] of graph.node.entries()) {
    const shape = shapes.get(outputAt(node, 0));
    if (!shape) {
      unknownShapes++;
      continue;
    }
    const kind = node.opType ?? "?";
    layers.push({ name: node.name || `${kind}_${i}`, kind, outputShape: shape, params: 0, activations: ONNX_ALIAS_OPS.has(kind) ? 0 : product(shape) });
  }
  return { layers, unknownShapes, params: countParams(graph) };
}

/** The estimate of a whole model. All byte figures assume float32. */
export interface MemoryEstimate {
  readonly layers: readonly LayerEstimate[];
  readonly params: number;
  /** params × 4, bytes. */
  readonly weightBytes: number;
  /** Input values per instance, floats. */
  readonly inputValues: number;
  /** Sum of every layer's output values per instance, floats. */
  readonly activationValues: number;
  /** activationValues × 4, bytes. */
  readonly activationBytes: number;
  /** One prediction, everything kept: weights + input + all activations, bytes. */
  readonly predictionBytes: number;
  /** One prediction, freeing each layer's input once used: weights + the largest pair of consecutive tensors, bytes. */
  readonly streamingPredictionBytes: number;
  /** Mini-batch size N of `trainingBytes`, images. */
  readonly batch: number;
  /** Training on a mini-batch of N: 4 × weights (weights, gradients, Adam m and v) + N × (input + activations) × 4, bytes. */
  readonly trainingBytes: number;
}

/** Inference bytes at batch `n` with every activation kept: weights + n × (input + activations) × 4. */
export function inferenceBytes(e: MemoryEstimate, n: number): number {
  return e.weightBytes + n * (e.inputValues + e.activationValues) * BYTES_PER_VALUE;
}

/**
 * Estimates memory from layer estimates.
 * @param inputShape input shape without the batch axis
 * @param batch training mini-batch size N, images
 * @param params parameter count when it is known better than the layers' sum (ONNX graphs)
 */
export function estimateMemory(layers: readonly LayerEstimate[], inputShape: readonly number[], batch: number, params?: number): MemoryEstimate {
  const p = params ?? layers.reduce((s, l) => s + l.params, 0);
  const inputValues = product(inputShape);
  const activationValues = layers.reduce((s, l) => s + l.activations, 0);
  const live = [inputValues, ...layers.filter((l) => l.activations > 0).map((l) => l.activations)];
  let pairMax = live[0] ?? 0;
  for (let i = 1; i < live.length; i++) pairMax = Math.max(pairMax, (live[i - 1] ?? 0) + (live[i] ?? 0));
  const weightBytes = p * BYTES_PER_VALUE;
  return {
    layers,
    params: p,
    weightBytes,
    inputValues,
    activationValues,
    activationBytes: activationValues * BYTES_PER_VALUE,
    predictionBytes: weightBytes + (inputValues + activationValues) * BYTES_PER_VALUE,
    streamingPredictionBytes: weightBytes + pairMax * BYTES_PER_VALUE,
    batch,
    trainingBytes: TRAINING_STATE_FACTOR * weightBytes + batch * (inputValues + activationValues) * BYTES_PER_VALUE,
  };
}
