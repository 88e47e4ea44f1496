/**
 * Parity between an export and its reference (tfjs for FP32, the FP32 ONNX model for the
 * others): max |Δ| of the outputs and top-1 agreement, plus top-1 accuracy on the labels.
 */
import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../formats/dataset.ts";
import { DEFAULT_INFERENCE_BATCH, type ImageGeometry } from "./ort-inference.ts";

/** How closely a candidate's outputs follow the reference's on the same images. */
export interface ParityFigures {
  /** Images compared. */
  count: number;
  /** Largest absolute difference over all outputs (softmax probabilities: unitless, 0..1). */
  maxAbsDiff: number;
  /** Images whose top-1 class agrees. */
  agreeing: number;
  /** agreeing / count (fraction, 0..1). */
  top1Agreement: number;
}

/** Limits an FP32 export must meet against tfjs. */
export interface ParityThresholds {
  /** Largest allowed max |Δ| of the outputs. */
  maxAbsDiff: number;
  /** Smallest allowed top-1 agreement (fraction, 0..1). */
  top1Agreement: number;
}

/** FP32 vs tfjs: max |Δ| ≤ 1e-4 and 100 % top-1 agreement. */
export const FP32_PARITY_THRESHOLDS: ParityThresholds = { maxAbsDiff: 1e-4, top1Agreement: 1 };

/** Index of the largest of `values[offset .. offset + n)` (first one on ties). */
export function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}

/** Compares two `count × classes` output matrices. */
export function compareOutputs(reference: Float32Array, candidate: Float32Array, classes: number): ParityFigures {
  if (reference.length !== candidate.length) {
    throw new Error(`Cannot compare outputs of different sizes: reference ${reference.length} values, candidate ${candidate.length}.`);
  }
  const count = classes > 0 ? reference.length / classes : 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(reference[i]! - candidate[i]!);
    if (Number.isNaN(d)) {
      maxAbsDiff = NaN; // a NaN output never passes
      break;
    }
    if (d > maxAbsDiff) maxAbsDiff = d;
  }
  let agreeing = 0;
  for (let n = 0; n < count; n++) if (argmax(reference, n * classes, classes) === argmax(candidate, n * classes, classes)) agreeing++;
  return { count, maxAbsDiff, agreeing, top1Agreement: count ? agreeing / count : 1 };
}

/** Top-1 accuracy (fraction, 0..1) of `count × classes` outputs against `labels`. */
export function top1Accuracy(outputs: Float32Array, labels: Uint8Array, classes: number): number {
  const count = Math.min(labels.length, Math.floor(outputs.length / classes));
  let correct = 0;
  for (let n = 0; n < count; n++) if (argmax(outputs, n * classes, classes) === labels[n]) correct++;
  return count ? correct / count : 0;
}

/**
 * Throws unless `figures` meet `thresholds`:
 * `FP32 export of "lenet-mnist" disagrees with tfjs on 10000 test images: max |Δ| 3.1e-3 (threshold 1e-4), top-1 agreement 99.87 % = 9987/10000 (threshold 100 %)`.
 */
export function assertParity(label: string, reference: string, figures: ParityFigures, thresholds: ParityThresholds = FP32_PARITY_THRESHOLDS): void {
  const deltaOk = figures.maxAbsDiff <= thresholds.maxAbsDiff;
  const agreementOk = figures.top1Agreement >= thresholds.top1Agreement;
  if (deltaOk && agreementOk) return;
  throw new Error(
    `${label} disagrees with ${reference} on ${figures.count} test images: ` +
      `max |Δ| ${figures.maxAbsDiff.toExponential(2)} (threshold ${thresholds.maxAbsDiff.toExponential(0)}), ` +
      `top-1 agreement ${percent(figures.top1Agreement)} = ${figures.agreeing}/${figures.count} (threshold ${percent(thresholds.top1Agreement)})`,
  );
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))} %`;
}

/** tfjs predictions for every image of `set` (`count × classes`), `batchSize` images at a time. */
export function predictTfjs(model: tf.LayersModel, set: ImageSet, geometry: ImageGeometry, batchSize = DEFAULT_INFERENCE_BATCH): Float32Array {
  const perImage = geometry.height * geometry.width * geometry.channels;
  const inputRank = model.inputs[0]?.shape.length ?? 4;
  let out: Float32Array | undefined;
  let perRow = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const images = set.images.subarray(start * perImage, (start + count) * perImage);
    const shape = inputRank === 4 ? [count, geometry.height, geometry.width, geometry.channels] : [count, perImage];
    const values = tf.tidy(() => (model.predict(tf.tensor(images, shape)) as tf.Tensor).dataSync() as Float32Array);
    if (!out) {
      perRow = values.length / count;
      out = new Float32Array(set.count * perRow);
    }
    out.set(values, start * perRow);
  }
  return out ?? new Float32Array(0);
}
