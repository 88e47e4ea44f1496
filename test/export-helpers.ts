/** Shared helpers of the export tests: convert a tiny tfjs model, run it in ORT, compare with tfjs. */
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { convertTfjsToOnnx } from "../export/convert/tfjs-to-onnx.ts";
import { encodeOnnx } from "../formats/onnx/onnx-io.ts";

/** Seeded uniform values in [lo, hi). */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** NHWC → NCHW copy of a batch of images. */
export function toNchw(data: Float32Array, [n, h, w, c]: readonly number[]): Float32Array {
  if (n === undefined || h === undefined || w === undefined || c === undefined) return data;
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k]!;
  return out;
}

/** Max |Δ| between tfjs and the converted model run in ORT (CPU EP) on seeded random input of `batch` samples. */
export async function parityOnRandomInput(model: tf.LayersModel, batch = 2, seed = 1): Promise<number> {
  const shape = [batch, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const data = randomValues(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
  const reference = tf.tidy(() => (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync() as Float32Array);
  const { model: onnxModel, facts } = convertTfjsToOnnx(model);
  const session = await ort.InferenceSession.create(encodeOnnx(onnxModel));
  try {
    const input = shape.length === 4 ? toNchw(data, shape) : data;
    const onnxShape = shape.length === 4 ? [shape[0]!, shape[3]!, shape[1]!, shape[2]!] : shape;
    const result = await session.run({ [facts.inputName]: new ort.Tensor("float32", input, onnxShape) });
    const output = result[facts.outputName]!.data as Float32Array;
    if (output.length !== reference.length) throw new Error(`output length ${output.length} != tfjs ${reference.length}`);
    let max = 0;
    for (let i = 0; i < output.length; i++) max = Math.max(max, Math.abs(output[i]! - reference[i]!));
    return max;
  } finally {
    await session.release();
  }
}

/** Gives a BatchNormalization layer seeded non-trivial gamma, beta, mean and (positive) variance. */
export function randomizeBatchNorm(layer: tf.layers.Layer, seed: number): void {
  const n = layer.getWeights()[0]!.shape[0]!;
  layer.setWeights([
    tf.tensor(randomValues(n, seed, 0.5, 1.5)),
    tf.tensor(randomValues(n, seed + 1, -0.5, 0.5)),
    tf.tensor(randomValues(n, seed + 2, -0.3, 0.3)),
    tf.tensor(randomValues(n, seed + 3, 0.2, 2)),
  ]);
}
