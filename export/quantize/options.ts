/** Public option and report types of the quantizer (re-exported by index.ts). */

/** How activation ranges are chosen from the calibration runs. */
export type CalibrationMethod = "minmax" | "percentile" | "entropy";

/** Options of static (calibrated, QDQ) quantization. */
export interface StaticQuantOptions {
  /** Range selection: observed min/max, percentile of |x|, or entropy (KL divergence). */
  method: CalibrationMethod;
  /** Share of |x| values kept inside the range, in percent (percentile method); default 99.99. */
  percentile?: number;
  /** Integer type of activations; uint8 is the fast path on x86 (u8×s8 dot products). */
  activationType: "uint8" | "int8";
  /** Per-channel weight scales (needs opset ≥ 13, raised when safe); default true. */
  perChannel?: boolean;
}

/** Which nodes were converted, and which stayed in float and why. */
export interface QuantReport {
  /** Nodes converted (quantized, or run in float16 for convertFp16). */
  quantized: { name: string; opType: string }[];
  /** Compute nodes left in float32, each with the reason. Constant producers are not listed. */
  float: { name: string; opType: string; reason: string }[];
}

/** Default percentile for the percentile method, in percent. */
export const DEFAULT_PERCENTILE = 99.99;
