/**
 * `auto`'s measurement: a short timed training step on the active backend. The step is
 * fixed (LeNet on MNIST's 28x28x1 at the default batch of 128, adam, seeded random data),
 * so the backends are compared on the same work whatever model is trained next: one
 * untimed warm-up step (XNNPACK setup, WebGPU shader compilation), then timed steps until
 * {@link MIN_TIMED_STEPS} and {@link MIN_TIMED_MS} are both reached. A backend with a
 * `timingBatch` (cpu) runs one timed step at that batch and no warm-up.
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../models/zoo.ts";
import type { TrainingBackend } from "./backend.ts";

/** The timed step: zoo model, input shape, classes, images per step. */
export const TIMING_STEP = { model: "lenet", inputShape: [28, 28, 1] as [number, number, number], numClasses: 10, batchSize: 128 } as const;

/** Timed steps at least (after the warm-up). */
const MIN_TIMED_STEPS = 2;
/** Timed wall time at least, ms (a fast backend runs more steps, for a steadier figure). */
const MIN_TIMED_MS = 300;
/** Timed steps at most. */
const MAX_TIMED_STEPS = 10;

/** What one backend's timed step measured. */
export interface StepTiming {
  /** Training samples per second over the timed steps. */
  readonly samplesPerSecond: number;
  readonly batchSize: number;
  readonly steps: number;
  /** Wall time of the timed steps, ms. */
  readonly ms: number;
}

/** The timed step in words, for train.json and the log line. */
export function timingStepLabel(): string {
  return `${TIMING_STEP.model} ${TIMING_STEP.inputShape.join("x")}, batch ${TIMING_STEP.batchSize}, adam`;
}

/** Times training steps of {@link TIMING_STEP} on the active tfjs backend, which `backend` describes. */
export async function timeTrainingStep(backend: Pick<TrainingBackend, "timingBatch">): Promise<StepTiming> {
  const small = backend.timingBatch !== undefined && backend.timingBatch < TIMING_STEP.batchSize;
  const batchSize = small ? backend.timingBatch! : TIMING_STEP.batchSize;
  const model = buildModel(TIMING_STEP.model, { inputShape: TIMING_STEP.inputShape, numClasses: TIMING_STEP.numClasses, seed: 1 });
  const xs = tf.randomUniform([batchSize, ...TIMING_STEP.inputShape], 0, 1, "float32", 1);
  const ys = tf.tidy(() => tf.oneHot(tf.randomUniform([batchSize], 0, TIMING_STEP.numClasses, "int32", 2), TIMING_STEP.numClasses));
  try {
    model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
    if (!small) await model.trainOnBatch(xs, ys);
    const t0 = performance.now();
    let steps = 0;
    do {
      await model.trainOnBatch(xs, ys);
      steps++;
    } while (!small && steps < MAX_TIMED_STEPS && (steps < MIN_TIMED_STEPS || performance.now() - t0 < MIN_TIMED_MS));
    const ms = performance.now() - t0;
    return { samplesPerSecond: (steps * batchSize * 1000) / ms, batchSize, steps, ms };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}
