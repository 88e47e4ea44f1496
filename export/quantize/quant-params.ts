/**
 * Quantization arithmetic, as ONNX Runtime's Python tool (`quant_utils.py`) does it:
 * asymmetric activations, symmetric int8 weights (range ±127), int32 biases. Rounding is
 * half-to-even like numpy's `round` and ONNX `QuantizeLinear`.
 */

/** Activation integer type. */
export type ActivationType = "uint8" | "int8";

/** Scale (real units per integer step) and zero point (integer) of one quantized tensor. */
export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Integer range [qmin, qmax] of an activation type. */
export function qRange(type: ActivationType): { qmin: number; qmax: number } {
  return type === "uint8" ? { qmin: 0, qmax: 255 } : { qmin: -128, qmax: 127 };
}

/** Rounds half to even (banker's rounding), as numpy and QuantizeLinear do. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Float32 rounding of a number (scales are stored as float32). */
const toF32 = Math.fround;

/**
 * Asymmetric activation parameters for the real range [rmin, rmax]:
 * the range is widened to include 0, scale = (rmax − rmin)/(qmax − qmin) and
 * zero point = round(qmin − rmin/scale) clamped to [qmin, qmax]; scale is a float32. A
 * zero-width range gives scale 1 and zero point 0, as ORT does.
 * Example: [−1, 2] as uint8 → scale 3/255, zero point 85.
 */
export function activationParams(rmin: number, rmax: number, type: ActivationType): QParams {
  const { qmin, qmax } = qRange(type);
  const lo = Math.min(rmin, 0);
  const hi = Math.max(rmax, 0);
  const scale = toF32((hi - lo) / (qmax - qmin));
  if (!(scale >= 1.1754943508222875e-38) || !Number.isFinite(scale)) {
    return { scale: 1, zeroPoint: Math.min(Math.max(0, qmin), qmax) };
  }
  const zp = roundHalfEven(qmin - lo / scale);
  return { scale, zeroPoint: Math.min(Math.max(zp, qmin), qmax) };
}

/** Symmetric int8 weight scale for max |w| = absMax: absMax / 127 (1 when absMax is 0). */
export function weightScale(absMax: number): number {
  const scale = toF32(absMax / 127);
  return scale >= 1.1754943508222875e-38 && Number.isFinite(scale) ? scale : 1;
}

/** Quantizes one value: clamp(round(x / scale) + zeroPoint, qmin, qmax). */
export function quantizeValue(x: number, scale: number, zeroPoint: number, qmin: number, qmax: number): number {
  const q = roundHalfEven(x / scale) + zeroPoint;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

/** Per-channel (or per-tensor when axis is undefined) symmetric int8 weights. */
export interface QuantizedWeight {
  /** One scale per channel along `axis` (a single scale when per tensor). */
  readonly scales: Float32Array;
  /** Quantized values in [−127, 127], same layout as the input. */
  readonly values: Int8Array;
  /** Channel axis, or undefined when per tensor. */
  readonly axis: number | undefined;
}

/**
 * Symmetric int8 quantization of a dense weight tensor: per channel along `axis`
 * (scale_c = max|w_c| / 127), or per tensor when `axis` is undefined.
 */
export function quantizeWeight(data: Float32Array, dims: readonly number[], axis: number | undefined): QuantizedWeight {
  const channels = axis === undefined ? 1 : (dims[axis] ?? 1);
  const inner = axis === undefined ? data.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const absMax = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = channelOf(i);
    const v = Math.abs(data[i] ?? 0);
    if (v > (absMax[c] ?? 0)) absMax[c] = v;
  }
  const scales = Float32Array.from(absMax, weightScale);
  const values = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    values[i] = quantizeValue(data[i] ?? 0, scales[channelOf(i)] ?? 1, 0, -127, 127);
  }
  return { scales, values, axis };
}

/**
 * Int32 bias for a quantized Conv/Gemm: scale_c = inputScale × weightScale_c, zero point 0,
 * value round(b_c / scale_c) clamped to the int32 range.
 */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  const scales = new Float32Array(bias.length);
  const values = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const s = toF32(inputScale * (weightScales.length === 1 ? (weightScales[0] ?? 1) : (weightScales[c] ?? 1)));
    scales[c] = s > 0 ? s : 1;
    values[c] = quantizeValue(bias[c] ?? 0, scales[c] ?? 1, 0, -2147483648, 2147483647);
  }
  return { values, scales };
}
