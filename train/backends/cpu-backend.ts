/** The stock pure-JS cpu backend, shipped inside `@tensorflow/tfjs`. */
import * as tf from "@tensorflow/tfjs";
import type { TrainingBackend } from "./backend.ts";

/** Images in `auto`'s timed step on cpu: LeNet costs it about 0.2 s per image at any batch (`npm run bench -- train`), seconds per step at 4 on a busy machine. */
export const CPU_TIMING_BATCH = 1;

/** The stock pure-JS cpu backend, shipped inside `@tensorflow/tfjs` (slow: the last resort). */
export const cpuBackend: TrainingBackend = {
  name: "cpu",
  singleThreaded: true,
  gpu: false,
  timingBatch: CPU_TIMING_BATCH,
  async load() {
    if (!(await tf.setBackend("cpu"))) throw new Error('tf.setBackend("cpu") failed');
    await tf.ready();
  },
};
