/** Public exports of the export stage: tfjs → ONNX conversion, parity checks, and the orchestration that writes export.json. */
export { exportModel } from "./export-model.ts";
export {
  ACTIVATION_TYPES,
  CALIBRATION_METHODS,
  EXPORT_DEFAULTS,
  ExportOptionsSchema,
  ExportRecordOptionsSchema,
  PRECISIONS,
  checkChoice,
  resolveExportOptions,
  type ExportOptions,
  type Precision,
  type ResolvedExportOptions,
} from "../formats/options/export-options.ts";
export {
  EXPORT_RECORD_FILE,
  EXPORT_RECORD_VERSION,
  ExportRecordSchema,
  onnxFileName,
  parseExportRecord,
  readExportRecord,
  writeExportRecord,
  type ExportRecord,
  type PrecisionRecord,
} from "../formats/export-record.ts";
export {
  BATCH_DIM,
  DEFAULT_OPSET,
  INPUT_NAME,
  IR_VERSION,
  convertTfjsToOnnx,
  type ConvertOptions,
  type ConvertedLayer,
  type ConverterFacts,
} from "./convert/tfjs-to-onnx.ts";
export { SUPPORTED_LAYERS } from "./convert/layer-registry.ts";
export { SUPPORTED_ACTIVATIONS } from "./convert/layers/activation.ts";
export {
  FP32_PARITY_THRESHOLDS,
  argmax,
  assertParity,
  compareOutputs,
  predictTfjs,
  top1Accuracy,
  type ParityFigures,
  type ParityThresholds,
} from "./parity.ts";
export { DEFAULT_INFERENCE_BATCH, createCpuSession, inputTensor, nhwcToNchw, predictOnnx, type ImageGeometry } from "./ort-inference.ts";
export { CALIBRATION_SOURCES, GENERATED_WARNING, exportOnnxFile, type OnnxExportOptions } from "./export-onnx-file.ts";
/** The `<stem>.export.json` contract is formats/'s; re-exported here for the export stage's callers. */
export { OnnxExportRecordSchema, type OnnxExportRecord } from "../formats/onnx-export-record.ts";
export { fromFloat16Bits, toFloat16Bits } from "./float16.ts";
export { toMetadataProps, fromMetadataProps, fromCustomMetadata, type HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
export { readOnnx, writeOnnx, decodeOnnx, encodeOnnx, onnx } from "../formats/onnx/onnx-io.ts";
