/**
 * Reading and writing the numbers inside ONNX TensorProtos, and the "constant tensor"
 * view the quantizer works on: a constant is either dense (an initializer or a `Constant`
 * node) or a splat (`ConstantOfShape` of a constant shape with a scalar value, as in the
 * ONNX "light" zoo models, whose weights are all splats).
 */
import { makeTensor, type OnnxNode, type OnnxTensor } from "./onnx-model.ts";

/** ONNX TensorProto.DataType codes used here. */
export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** A constant float tensor as the quantizer sees it. */
export type ConstTensor =
  | { readonly kind: "dense"; readonly dims: number[]; readonly data: Float32Array }
  | { readonly kind: "splat"; readonly dims: number[]; readonly value: number; readonly shapeName: string };

function rawBytes(t: OnnxTensor): Uint8Array | undefined {
  const raw = t.rawData;
  if (raw.length === 0) return undefined;
  // copy so the typed-array views below are aligned
  return new Uint8Array(raw);
}

/** Reads a FLOAT/FLOAT16/DOUBLE tensor's values as float32; undefined for other types. */
export function tensorToFloat32(t: OnnxTensor): Float32Array | undefined {
  const raw = rawBytes(t);
  switch (t.dataType) {
    case DT.FLOAT:
      return raw ? new Float32Array(raw.buffer, 0, raw.byteLength / 4) : Float32Array.from(t.floatData);
    case DT.DOUBLE:
      return Float32Array.from(raw ? new Float64Array(raw.buffer, 0, raw.byteLength / 8) : t.doubleData);
    case DT.FLOAT16: {
      const bits = raw ? new Uint16Array(raw.buffer, 0, raw.byteLength / 2) : Uint16Array.from(t.int32Data);
      return Float32Array.from(bits, halfToFloat);
    }
    default:
      return undefined;
  }
}

/** Reads an INT64/INT32 tensor (shapes, axes) as plain numbers; undefined for other types. */
export function tensorToInts(t: OnnxTensor): number[] | undefined {
  const raw = rawBytes(t);
  if (t.dataType === DT.INT64) {
    return raw ? Array.from(new BigInt64Array(raw.buffer, 0, raw.byteLength / 8), Number) : t.int64Data.map(Number);
  }
  if (t.dataType === DT.INT32) {
    return raw ? Array.from(new Int32Array(raw.buffer, 0, raw.byteLength / 4)) : [...t.int32Data];
  }
  return undefined;
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A FLOAT initializer holding `data`. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  return makeTensor({ name, dataType: DT.FLOAT, dims: [...dims], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

/** An INT8 or UINT8 initializer. */
export function int8Tensor(name: string, dims: readonly number[], data: Int8Array | Uint8Array): OnnxTensor {
  const dataType = data instanceof Int8Array ? DT.INT8 : DT.UINT8;
  return makeTensor({ name, dataType, dims: [...dims], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

/** An INT32 initializer. */
export function int32Tensor(name: string, dims: readonly number[], data: Int32Array): OnnxTensor {
  return makeTensor({ name, dataType: DT.INT32, dims: [...dims], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

/** An INT64 initializer. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): OnnxTensor {
  const big = BigInt64Array.from(data, (v) => BigInt(v));
  return makeTensor({ name, dataType: DT.INT64, dims: [...dims], rawData: new Uint8Array(big.buffer) });
}

/** A FLOAT16 initializer from float32 values (round to nearest even). */
export function float16Tensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  const bits = Uint16Array.from(data, floatToHalf);
  return makeTensor({ name, dataType: DT.FLOAT16, dims: [...dims], rawData: new Uint8Array(bits.buffer) });
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE float32 → float16 bits, round to nearest even, overflow to ±Inf. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && r & 1)) r += 1;
    return sign | r;
  }
  let r = mant >>> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) {
    r += 1;
    if (r === 0x400) {
      r = 0;
      e += 1;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | r;
}

/** float16 bits → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The tensor held by an attribute named `name`, if any. */
export function attrTensor(node: OnnxNode, name: string): OnnxTensor | undefined {
  return node.attribute.find((a) => a.name === name)?.t ?? undefined;
}

/** Dense float values of a constant (a splat is expanded). */
export function float32Of(c: ConstTensor): Float32Array {
  return c.kind === "dense" ? c.data : new Float32Array(numel(c.dims)).fill(c.value);
}
