/**
 * The ONNX quantizer: static QDQ INT8 (calibrated), dynamic INT8 and FP16 conversion of
 * any ONNX model, each returning a new model (the caller's is never modified) and a report
 * of what was converted and what stayed float and why. Nothing here throws for an
 * unsupported graph; the parts that cannot be converted stay float.
 *
 * Decisions, in brief:
 * - Static: QDQ format as ORT's Python tool writes it: int8 symmetric weights (±127) per
 *   output channel (Conv axis 0, Gemm axis 0 with transB else 1, MatMul axis 1), int32 bias
 *   (scale = input scale × weight scale, zero point 0), asymmetric uint8/int8 activations.
 *   Relu after a quantized op is absorbed into its output range (as ORT does); two-input Sum
 *   becomes Add; BatchNormalization after a constant Conv is folded into it; Softmax stays
 *   float; image-input Convs (< 4 input channels) stay float by default (measured slower in
 *   int8 on ORT's CPU EP, see StaticQuantOptions.minConvInputChannels). Two exact layout
 *   rewrites spare ORT's NHWC int8 kernels data movement: a float Conv's Relu → MaxPool
 *   before the int8 region becomes MaxPool → Relu (float-conv-boundary.ts), and a Flatten
 *   after an int8 Conv reads NHWC order with the next weight's rows permuted (channels-last-flatten.ts).
 * - Calibration: minmax; percentile = percentile of |x| (2048-bin histogram) applied to both
 *   sides then clipped to the observed min/max (ORT's symmetric variant); entropy = KL
 *   divergence over a 2048-bin symmetric histogram against 256 levels, threshold with least KL.
 * - Opset: raised to 13 (per-channel axes) when every op keeps its meaning (Softmax family
 *   rewritten, inference Dropout removed); else per-tensor at opset ≥ 10; else left float.
 * - Weights given as ConstantOfShape of a constant shape with a scalar value (the ONNX zoo
 *   "light" models) are quantized without materialising them: the int8 weight is again a
 *   ConstantOfShape (exact: every element is ±127 × scale). They become dense only when a
 *   BatchNormalization is folded in (ResNet-50: 23.5 M int8 weights).
 * - Dynamic: DynamicQuantizeLinear + ConvInteger / MatMulInteger (Gemm as MatMulInteger + Add).
 * - FP16: float16 weights everywhere; compute in float16 only for ops with a float16 CPU kernel
 *   (on x86-64 ORT 1.30 that is data movement only), so on the CPU EP it halves the file, not the time.
 */
export type { CalibrationMethod, QuantReport, StaticQuantOptions } from "./options.ts";
export { DEFAULT_MIN_CONV_INPUT_CHANNELS, DEFAULT_PERCENTILE } from "./options.ts";
export { quantizeStatic } from "./static-quantize.ts";
export { quantizeDynamic } from "./dynamic-quantize.ts";
export { convertFp16, type Fp16Options, ORT_CPU_FP16_OPS } from "./fp16-convert.ts";
export { optimizedOpHistogram } from "./op-histogram.ts";
