/**
 * The ONNX quantizer: static QDQ INT8 (calibrated), dynamic INT8 and FP16 conversion of
 * any ONNX model, each returning the new model and a report of what stayed float and why.
 */
export type { CalibrationMethod, QuantReport, StaticQuantOptions } from "./options.ts";
export { DEFAULT_MIN_CONV_INPUT_CHANNELS, DEFAULT_PERCENTILE } from "./options.ts";
export { quantizeStatic } from "./static-quantize.ts";
export { quantizeDynamic } from "./dynamic-quantize.ts";
export { convertFp16, ORT_CPU_FP16_OPS } from "./fp16-convert.ts";
export { optimizedOpHistogram } from "./op-histogram.ts";
