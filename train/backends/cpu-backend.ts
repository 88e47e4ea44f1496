/** The stock pure-JS cpu backend, shipped inside `@tensorflow/tfjs`. */
import * as tf from "@tensorflow/tfjs";
import type { TrainingBackend } from "./backend.ts";

/** The stock pure-JS cpu backend, shipped inside `@tensorflow/tfjs` (slow: the last resort). */
export const cpuBackend: TrainingBackend = {
  name: "cpu",
  singleThreaded: true,
  async load() {
    if (!(await tf.setBackend("cpu"))) throw new Error('tf.setBackend("cpu") failed');
    await tf.ready();
  },
};
