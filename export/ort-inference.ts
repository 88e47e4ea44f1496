/**
 * Runs an ONNX classifier over an image set with onnxruntime-node (CPU EP), in batches,
 * converting the dataset's NHWC images to the model's input layout and FP16 when needed.
 */
import * as ort from "onnxruntime-node";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";
import type { ImageSet } from "../formats/dataset.ts";
import { fromFloat16Bits, toFloat16Bits } from "./float16.ts";

/** Image geometry (pixels, channels). */
export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

/** Default images per inference batch. */
export const DEFAULT_INFERENCE_BATCH = 256;

/** NHWC → NCHW copy of `count` images. */
export function nhwcToNchw(images: Float32Array, count: number, { height, width, channels }: ImageGeometry): Float32Array {
  const out = new Float32Array(count * height * width * channels);
  const plane = height * width;
  for (let n = 0; n < count; n++) {
    const base = n * plane * channels;
    for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[base + c * plane + p] = images[base + p * channels + c]!;
  }
  return out;
}

/** Builds the ORT input for `count` NHWC images: NCHW for a rank-4 input, flat vectors for rank 2; FP16 when the model wants it. */
export function inputTensor(images: Float32Array, count: number, geometry: ImageGeometry, rank: number, type: "float32" | "float16" = "float32"): ort.Tensor {
  const { height, width, channels } = geometry;
  const data = rank === 4 ? nhwcToNchw(images, count, geometry) : images.subarray(0, count * height * width * channels);
  const dims = rank === 4 ? [count, channels, height, width] : [count, height * width * channels];
  return type === "float16" ? new ort.Tensor("float16", toFloat16Bits(data), dims) : new ort.Tensor("float32", data, dims);
}

/** Opens a CPU-EP session on an ONNX file path or bytes. Release it with `session.release()`. */
export function createCpuSession(model: string | Uint8Array): Promise<ort.InferenceSession> {
  return openOrtSession(model, ortSessionOptions({ executionProviders: ["cpu"], graphOptimization: "all" }));
}

/**
 * The model's first output for every image of `set` (row-major, `count × classes`),
 * computed `batchSize` images at a time; the session is released before returning.
 */
export async function predictOnnx(
  model: string | Uint8Array,
  set: ImageSet,
  geometry: ImageGeometry,
  batchSize = DEFAULT_INFERENCE_BATCH,
): Promise<Float32Array> {
  const session = await createCpuSession(model);
  try {
    const [input] = session.inputMetadata;
    const outputName = session.outputNames[0];
    if (!input || !input.isTensor || outputName === undefined) throw new Error("The ONNX model has no tensor input or no output.");
    const type = input.type === "float16" ? "float16" : "float32";
    const rank = input.shape.length;
    const perImage = geometry.height * geometry.width * geometry.channels;
    let out: Float32Array | undefined;
    let perRow = 0;
    for (let start = 0; start < set.count; start += batchSize) {
      const count = Math.min(batchSize, set.count - start);
      const images = set.images.subarray(start * perImage, (start + count) * perImage);
      const feeds = { [input.name]: inputTensor(images, count, geometry, rank, type) };
      const result = await session.run(feeds);
      const tensor = result[outputName]!;
      const values = tensor.type === "float16" ? fromFloat16Bits(tensor.data as Uint16Array) : (tensor.data as Float32Array);
      if (!out) {
        perRow = values.length / count;
        out = new Float32Array(set.count * perRow);
      }
      out.set(values, start * perRow);
      tensor.dispose();
    }
    return out ?? new Float32Array(0);
  } finally {
    await session.release();
  }
}
