/** Public exports of train/backends: the training-backend contract, table and resolver. */
export {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  type BackendTiming,
  type GpuAdapter,
  type TrainingBackend,
} from "./backend.ts";
export { BACKEND_REQUESTS, TRAINING_BACKENDS, adoptAutoChoice, autoChoiceMade, parseBackendRequest, selectBackend, type AutoOptions } from "./registry.ts";
export { describeTiming, pickFastest } from "./auto-choice.ts";
export { TIMING_STEP, timeTrainingStep, timingStepLabel, type StepTiming } from "./time-step.ts";
export { TRAINING_KERNELS, missingTrainingKernels } from "./training-kernels.ts";
export { installWasmTrainingKernels, restoreStockWasmKernels, WASM_TRAINING_KERNELS, type WasmKernelSet } from "./wasm-training-kernels.ts";
