/** Builds the input tensors of one batch size once, for reuse across every measured run. */
import * as ort from "onnxruntime-node";
import type { BatchFeeds } from "./child-protocol.ts";

/** ONNX element types the feeder supports, by TensorProto.DataType. */
const ELEM_TYPES: Record<number, string> = { 1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 9: "bool", 10: "float16" };

/** Deterministic values in [0, 1) (xorshift32); `seed` varies the stream. */
function fillUnit(out: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 32;
  }
  return out;
}

/** Maps unit values u to u × 255 × scale + offset in place (the model's pixel preprocessing). */
function toPixelRange(values: Float32Array, pixels: BatchFeeds["pixels"]): Float32Array {
  if (!pixels) return values;
  const k = 255 * pixels.scale;
  if (Math.abs(k - 1) < 1e-12 && pixels.offset === 0) return values;
  for (let i = 0; i < values.length; i++) values[i] = values[i]! * k + pixels.offset;
  return values;
}

/**
 * Random inputs for `feeds`: floats uniform in [0, 1) mapped through the model's pixel
 * preprocessing when `feeds.pixels` gives it (e.g. [-1, 1) for MobileNetV2), integer and
 * bool inputs zero. Throws naming the input for unsupported types.
 */
export function buildFeeds(feeds: BatchFeeds): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  feeds.inputs.forEach((input, k) => {
    const size = input.shape.reduce((a, d) => a * d, 1);
    const dims = [...input.shape];
    switch (input.elemType) {
      case 1:
        out[input.name] = new ort.Tensor("float32", toPixelRange(fillUnit(new Float32Array(size), 17 + k), feeds.pixels), dims);
        break;
      case 10:
        out[input.name] = new ort.Tensor("float16", new Uint16Array(size).fill(0x3800), dims);
        break;
      case 7:
        out[input.name] = new ort.Tensor("int64", input.values ? BigInt64Array.from(input.values, (v) => BigInt(v)) : new BigInt64Array(size), dims);
        break;
      case 6:
        out[input.name] = new ort.Tensor("int32", new Int32Array(size), dims);
        break;
      case 2:
        out[input.name] = new ort.Tensor("uint8", new Uint8Array(size), dims);
        break;
      case 3:
        out[input.name] = new ort.Tensor("int8", new Int8Array(size), dims);
        break;
      case 9:
        out[input.name] = new ort.Tensor("bool", new Uint8Array(size), dims);
        break;
      default:
        throw new Error(
          `Input "${input.name}" has ONNX element type ${input.elemType}, which the profiler cannot generate. ` +
            `Supported: ${Object.values(ELEM_TYPES).join(", ")}`,
        );
    }
  });
  return out;
}
