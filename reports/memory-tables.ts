/**
 * The memory estimator's tables: the classic worked exercise layer by layer, and for each
 * profiled model the estimate beside the measured peak RSS and ORT's arena peak.
 */
import { okRows, type ReportData } from "./load-run.ts";
import { BYTES_PER_VALUE, estimateMemory, inferenceBytes, layersFromSpecs, layersFromTfjs, type LayerSpec, type MemoryEstimate } from "./memory-estimator.ts";
import type { Cell, ReportTable } from "./report-table.ts";

const MIB = 1024 * 1024;

/** The exercise: three 3×3 convolutions, stride 2, same padding, 100/200/400 maps on a 200×300 RGB image. */
export const EXERCISE_INPUT = [200, 300, 3] as const;
/** Layers of the exercise. */
export const EXERCISE_LAYERS: readonly LayerSpec[] = [100, 200, 400].map((filters, i) => ({
  kind: "conv2d",
  name: `conv${i + 1}`,
  filters,
  kernel: 3,
  strides: 2,
  padding: "same",
}));

/** Assumptions every memory table states. */
export const MEMORY_ASSUMPTIONS =
  "Assumptions: float32 values (4 bytes); one prediction keeps every activation (upper bound; a streaming runtime needs only the largest pair of consecutive tensors); training keeps every activation of the mini-batch for backprop and holds weights + gradients + Adam's two moments = 4× the weight bytes; framework buffers, workspace and the runtime itself are not counted.";

/** Layer-by-layer table of an estimate, with totals. */
export function estimateTable(id: string, title: string, e: MemoryEstimate): ReportTable {
  const rows: Record<string, Cell>[] = e.layers.map((l) => ({
    layer: l.name,
    kind: l.kind,
    shape: l.outputShape.join("×"),
    params: l.params,
    activations: l.activations,
    mb: (l.activations * BYTES_PER_VALUE) / 1e6,
  }));
  rows.push({ layer: "total", kind: null, shape: null, params: e.params, activations: e.activationValues, mb: e.activationBytes / 1e6 });
  return {
    id,
    title,
    columns: [
      { key: "layer", header: "Layer" },
      { key: "kind", header: "Kind" },
      { key: "shape", header: "Output shape" },
      { key: "params", header: "Params", digits: 0 },
      { key: "activations", header: "Activations per instance", unit: "floats", digits: 0 },
      { key: "mb", header: "Activation memory", unit: "MB", digits: 2 },
    ],
    rows,
    notes: [
      `Weights: ${e.params.toLocaleString("en-US")} params × 4 B = ${(e.weightBytes / 1e6).toFixed(2)} MB. One prediction: ${(e.predictionBytes / 1e6).toFixed(2)} MB (weights + input + activations), ${(e.streamingPredictionBytes / 1e6).toFixed(2)} MB streaming.`,
      `Training on a mini-batch of ${e.batch}: ${(e.trainingBytes / 1e6).toFixed(1)} MB = 4 × ${(e.weightBytes / 1e6).toFixed(2)} MB + ${e.batch} × ${(((e.inputValues + e.activationValues) * BYTES_PER_VALUE) / 1e6).toFixed(2)} MB (input + activations per instance).`,
      MEMORY_ASSUMPTIONS,
    ],
  };
}

/** The answer the assignment's notebook (`002_ef41ef41bad94182.txt`, question 2) gives: parameters and RAM for one prediction, bytes. */
export const NOTEBOOK_EXERCISE_ANSWER = { params: 9_027_000, predictionBytes: 36_108_000 } as const;

/**
 * Why the notebook's answer to the exercise is wrong, with the working, computed from the
 * estimate `e` of {@link EXERCISE_LAYERS} (so the figures are derived, not typed in).
 */
export function exerciseErrata(e: MemoryEstimate): string[] {
  let cin: number = EXERCISE_INPUT[2];
  const lines = e.layers.map((l, i) => {
    const spec = EXERCISE_LAYERS[i]!;
    const [kh, kw] = spec.kind === "conv2d" ? (typeof spec.kernel === "number" ? [spec.kernel, spec.kernel] : spec.kernel) : [1, 1];
    const filters = spec.kind === "conv2d" ? spec.filters : 0;
    const weights = kh * kw * cin * filters;
    const text = `${l.name}: ${kh}×${kw}×${cin} weights × ${filters} maps + ${filters} biases = ${l.params.toLocaleString("en-US")} (the notebook writes ${(weights * 10).toLocaleString("en-US")}, ten times ${weights.toLocaleString("en-US")}, and drops the biases)`;
    cin = filters;
    return text;
  });
  const activations = e.layers.map((l) => `${l.outputShape.join("×")} = ${l.activations.toLocaleString("en-US")}`).join(", ");
  return [
    `The assignment notebook's answer, ${NOTEBOOK_EXERCISE_ANSWER.params.toLocaleString("en-US")} parameters and ${(NOTEBOOK_EXERCISE_ANSWER.predictionBytes / 1e6).toFixed(2)} MB for one prediction, is wrong. Working: ${lines.join("; ")}. Total: ${e.params.toLocaleString("en-US")} parameters, ${(e.weightBytes / 1e6).toFixed(2)} MB of float32 weights.`,
    `The notebook's RAM figure also counts only the weights. A prediction holds the input (${e.inputValues.toLocaleString("en-US")} floats) and the feature maps (stride 2, same padding: ${activations} floats): ${(e.predictionBytes / 1e6).toFixed(2)} MB with every activation kept, ${(e.streamingPredictionBytes / 1e6).toFixed(2)} MB freeing each layer's input once used.`,
  ];
}

/** The worked exercise (200×300 RGB, three stride-2 convolutions). */
export function exerciseEstimate(batch = 50): MemoryEstimate {
  return estimateMemory(layersFromSpecs(EXERCISE_INPUT, EXERCISE_LAYERS), EXERCISE_INPUT, batch);
}

/**
 * For each profiled model with a train.json: estimated parameters, weight bytes,
 * prediction and training memory, and at each profiled batch the estimate beside the
 * measured peak RSS above the child's baseline and ORT's arena peak.
 */
export function measuredMemoryTable(data: ReportData, trainingBatch: number): ReportTable {
  const rows: Record<string, Cell>[] = [];
  const missing: string[] = [];
  for (const r of okRows(data.results.rows).filter((x) => x.precision === "fp32")) {
    const train = data.models.get(r.model)?.train;
    if (!train) {
      if (!missing.includes(r.model)) missing.push(r.model);
      continue;
    }
    const e = estimateMemory(layersFromTfjs(train.architecture), train.dataset.inputShape, trainingBatch);
    rows.push({
      model: r.model,
      ep: r.ep,
      batch: r.batch,
      params: e.params,
      weights: e.weightBytes / MIB,
      estimate: inferenceBytes(e, r.batch) / MIB,
      training: e.trainingBytes / MIB,
      measured: r.peakRssMiB - r.baselineRssMiB,
      peakRss: r.peakRssMiB,
      arena: r.arena?.inUsePeakMiB ?? null,
    });
  }
  const notes = [
    `Estimate: weights + batch × (input + every activation), float32. Training: mini-batch of ${trainingBatch}. Measured: peak RSS of the child minus its RSS before the session was created (includes ORT's code, arena rounding and thread stacks, so small models sit well above the estimate). Arena: ORT's allocator peak in use, when the EP reports it.`,
    MEMORY_ASSUMPTIONS,
  ];
  if (missing.length > 0) notes.unshift(`No train.json (layer list) for: ${missing.join(", ")}; no estimate.`);
  return {
    id: "memory-estimate",
    title: "Memory: estimate vs measured",
    columns: [
      { key: "model", header: "Model" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "params", header: "Params", digits: 0 },
      { key: "weights", header: "Weights", unit: "MiB", digits: 3 },
      { key: "estimate", header: "Inference estimate", unit: "MiB", digits: 2 },
      { key: "training", header: `Training estimate (N=${trainingBatch})`, unit: "MiB", digits: 1 },
      { key: "measured", header: "Measured RSS above baseline", unit: "MiB", digits: 1 },
      { key: "peakRss", header: "Peak RSS", unit: "MiB", digits: 1 },
      { key: "arena", header: "ORT arena peak", unit: "MiB", digits: 2 },
    ],
    rows,
    notes,
  };
}
