/** Public exports of train/backends: the training-backend contract, table and resolver. */
export { BACKEND_NAMES, type BackendChoice, type BackendName, type BackendRequest, type TrainingBackend } from "./backend.ts";
export { BACKEND_REQUESTS, TRAINING_BACKENDS, parseBackendRequest, selectBackend } from "./registry.ts";
export { installWasmTrainingKernels, restoreStockWasmKernels, WASM_TRAINING_KERNELS, type WasmKernelSet } from "./wasm-training-kernels.ts";
