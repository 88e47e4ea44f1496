/**
 * Public exports of the pipeline layer: what runs the stages one after another for a command.
 * Preparing a profile run's suite (train and export the zoo models that are missing, quantize
 * `--onnx` files to the requested precisions) is here, so profile/ only measures files.
 */
export { suitePreparer } from "./suite-preparer.ts";
export { checkZooModels, prepareZooModels } from "./suite-models.ts";
export { onnxSuiteFiles, type OnnxSuiteOptions } from "./onnx-precisions.ts";
