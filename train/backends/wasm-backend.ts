/**
 * The wasm backend (`@tensorflow/tfjs-backend-wasm`, XNNPACK, single-threaded in Node
 * here) with the training kernels it lacks or runs slowly; see wasm-training-kernels.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type { TrainingBackend } from "./backend.ts";
import { installWasmTrainingKernels } from "./wasm-training-kernels.ts";

/** The wasm training backend. */
export const wasmBackend: TrainingBackend = {
  name: "wasm",
  singleThreaded: true,
  gpu: false,
  async load() {
    try {
      await import("@tensorflow/tfjs-backend-wasm");
    } catch (e) {
      throw new Error(`@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message}`);
    }
    installWasmTrainingKernels();
    if (!(await tf.setBackend("wasm"))) {
      throw new Error('tf.setBackend("wasm") failed: the wasm module did not initialise (see the warning above)');
    }
    await tf.ready();
  },
};
