/**
 * Top-1 accuracy of a session on a dataset's test split, batched, within a time budget;
 * the images (NHWC in [0, 1]) are resized, scaled and offset as the model's metadata
 * declares (training's own `toModelInput`) and transposed to its layout. Returns the top-1 predictions too, for FP32↔INT8 agreement.
 */
import * as ort from "onnxruntime-node";
import type { HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import type { ImageSet } from "../formats/dataset.ts";
import { toModelInput, type ImageShape } from "../formats/model-input.ts";

/** Result of {@link evaluateAccuracy}. */
export interface AccuracyResult {
  /** Fraction correct, 0..1. */
  readonly top1: number;
  /** Images evaluated (a prefix of the test set when the budget ran out). */
  readonly count: number;
  /** Predicted class per evaluated image. */
  readonly predictions: Uint8Array;
}

/**
 * Copies images `[start, start+n)` of `set` (NHWC, [0,1], of shape `source`, default the
 * model's) into `out`, resized to the model's input and as value = pixel × 255 × `scale` +
 * `offset` (metadata; offset 0 when absent), in `layout` order.
 */
export function fillBatch(set: ImageSet, start: number, n: number, meta: HarnessMetadata, out: Float32Array, source?: ImageShape): void {
  const [a = 1, b = 1, c = 1] = meta.inputShape;
  const [h, w, ch] = meta.layout === "NCHW" ? [b, c, a] : [a, b, c];
  const per = h * w * ch;
  const from = source ?? [h, w, ch];
  const srcPer = from[0] * from[1] * from[2];
  const nhwc = meta.layout === "NHWC" || ch === 1 ? out : new Float32Array(n * per);
  toModelInput(set.images.subarray(start * srcPer, (start + n) * srcPer), n, from, { shape: [h, w, ch], scale: meta.scale, offset: meta.offset ?? 0 }, nhwc);
  if (nhwc === out) return;
  for (let i = 0; i < n; i++) {
    const dst = i * per;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let z = 0; z < ch; z++) out[dst + z * h * w + y * w + x] = nhwc[dst + (y * w + x) * ch + z]!;
      }
    }
  }
}

/** Index of the largest of `n` values starting at `offset`. */
function argmax(values: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = values[offset + j] ?? -Infinity;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/**
 * Evaluates `session` on `set` in batches of `batch` (the last batch padded when the
 * model has a fixed batch axis is not needed: a dynamic axis takes the remainder; a fixed
 * one stops at the last full batch). Stops after `budgetMs` of wall time.
 */
export async function evaluateAccuracy(
  session: ort.InferenceSession,
  set: ImageSet,
  meta: HarnessMetadata,
  options: { batch: number; budgetMs: number; fixedBatch: boolean; sourceShape?: ImageShape },
): Promise<AccuracyResult> {
  const inputName = session.inputNames[0] ?? "input";
  const outputName = session.outputNames[0] ?? "output";
  const per = meta.inputShape.reduce((x, y) => x * y, 1);
  const buffer = new Float32Array(options.batch * per);
  const predictions = new Uint8Array(set.count);
  const start = performance.now();
  let done = 0;
  let correct = 0;
  while (done < set.count && performance.now() - start < options.budgetMs) {
    const n = Math.min(options.batch, set.count - done);
    if (n < options.batch && options.fixedBatch) break;
    fillBatch(set, done, n, meta, buffer, options.sourceShape);
    const tensor = new ort.Tensor("float32", n === options.batch ? buffer : buffer.subarray(0, n * per), [n, ...meta.inputShape]);
    const result = await session.run({ [inputName]: tensor });
    const logits = result[outputName];
    if (!logits) throw new Error(`The model has no output "${outputName}"`);
    const data = logits.data as Float32Array;
    const classes = data.length / n;
    for (let i = 0; i < n; i++) {
      const p = argmax(data, i * classes, classes);
      predictions[done + i] = p;
      if (p === set.labels[done + i]) correct++;
    }
    logits.dispose();
    done += n;
  }
  return { top1: done > 0 ? correct / done : 0, count: done, predictions: predictions.subarray(0, done) };
}
