/** Public exports of the training stage. */
export { TRAIN_CHILD_BYTES, trainInParallel, trainingConcurrency, type ParallelTrained } from "./train-parallel.ts";
export {
  trainModel,
  backendLine,
  ensureTrained,
  trainedAlready,
  resolveTrainOptions,
  loadTrainingData,
  outlineModel,
  modelInputFor,
  pickedRecipe,
  type TrainedModel,
  type ModelOutline,
} from "./train-model.ts";
export {
  LAB_RECIPES,
  MOBILENET_PRESETS,
  MOBILENET_PRESET_NAMES,
  RECIPE_NAMES,
  recipeFor,
  type Recipe,
  type RecipeName,
  type MobilenetPresetName,
} from "./recipes.ts";
export {
  AUGMENT_KINDS,
  TRAIN_DEFAULTS,
  TrainOptionsSchema,
  TrainRecordOptionsSchema,
  type TrainOptions,
  type TrainOptionsInput,
  type AugmentKind,
} from "../formats/options/train-options.ts";
export {
  MODEL_FILES,
  TRAIN_RECORD_VERSION,
  TrainRecordSchema,
  loadTfjsModel,
  modelDir,
  readTrainRecord,
  saveTfjsModel,
  type TrainRecord,
} from "../formats/model-dir.ts";
export { MODEL_NAMES, ZOO, buildModel, zooEntry } from "./models/zoo.ts";
export type { ModelBuildContext, ZooEntry } from "./models/zoo-types.ts";
export { formatSummary, summarize, type ModelSummary, type LayerSummary } from "./models/summary.ts";
export { buildConfigCnn, parseCnnConfig, readCnnConfig, CnnConfigSchema, type CnnConfig } from "./models/config-cnn.ts";
export { mobilenetV2, MOBILENETV2_DEFAULTS } from "./models/mobilenetv2.ts";
export {
  BACKEND_NAMES,
  BACKEND_REQUESTS,
  TIMING_STEP,
  TRAINING_BACKENDS,
  TRAINING_KERNELS,
  WASM_TRAINING_KERNELS,
  adoptAutoChoice,
  autoChoiceMade,
  describeTiming,
  missingTrainingKernels,
  pickFastest,
  timeTrainingStep,
  type AutoOptions,
  type BackendTiming,
  type GpuAdapter,
  type StepTiming,
  installWasmTrainingKernels,
  parseBackendRequest,
  restoreStockWasmKernels,
  selectBackend,
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  type TrainingBackend,
  type WasmKernelSet,
} from "./backends/index.ts";
