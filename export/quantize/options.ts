/** Public option and report types of the quantizer (re-exported by index.ts). */
import type { RangeStats } from "./calibration-methods.ts";

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
  /**
   * Convs with fewer input channels per group than this (the image-input Conv: 1 or 3
   * channels) stay float: there ORT's int8 QLinearConv (NHWC im2col + u8s8 GEMM with a tiny K)
   * is several times slower than its fp32 NCHWc Conv (measured: LeNet's first Conv, 1 channel
   * 5×5, 530 µs int8 against 144 µs fp32 at batch 32, while its 32-channel second Conv runs
   * 3.5× faster in int8). Default DEFAULT_MIN_CONV_INPUT_CHANNELS (0: every Conv is quantized,
   * as ORT's own tool does); 4 keeps the image-input Conv float for speed.
   */
  minConvInputChannels?: number;
  /**
   * Nodes kept float whatever the op table says: node key (its name, else its first output;
   * see `nodeKey`) → the reason recorded in the report. The INT8 tuner passes each
   * candidate's float set here. Default: none.
   */
  floatNodes?: ReadonlyMap<string, string>;
  /**
   * Activation ranges already calibrated for this model, feeds, method and percentile
   * (tensor name → observed range): read first, and filled with what is calibrated. The
   * tuner passes one map to every candidate so the model is calibrated once. Default: none.
   */
  rangeCache?: Map<string, RangeStats>;
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

/** Default `minConvInputChannels`: 0, every Conv is quantized (set 4 to keep 1- and 3-channel image-input Convs float). */
export const DEFAULT_MIN_CONV_INPUT_CHANNELS = 0;
