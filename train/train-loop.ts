/**
 * The epoch loop: seeded shuffling, batches gathered into reused buffers, optional
 * augmentation, validation after each epoch, early stopping with best weights restored,
 * and a progress bar with loss, accuracy and samples/s.
 */
import * as tf from "@tensorflow/tfjs";
import cliProgress from "cli-progress";
import { augmentBatch, type AugmentSettings } from "./augment.ts";
import { takeBatch, valuesPerImage, type ImageSet } from "../datasets/index.ts";
import { sameShape, toModelInput, type ModelInput } from "../formats/model-input.ts";
import type { TrainRecord } from "../formats/model-dir.ts";
import { seededRandom, shuffledIndices } from "../measure/index.ts";

/** One epoch's figures. */
export type EpochFigures = TrainRecord["history"][number];

/** Where an epoch stands, after a batch. */
export interface BatchProgress {
  readonly epoch: number;
  readonly lastEpoch: number;
  /** Training images seen this epoch. */
  readonly seen: number;
  /** Training images per epoch. */
  readonly total: number;
  /** Mean training loss so far this epoch. */
  readonly loss: number;
  /** Mean training accuracy so far this epoch, 0..1. */
  readonly accuracy: number;
  /** Training images per second so far this epoch. */
  readonly samplesPerSecond: number;
}

/** What the loop needs besides the compiled model. */
export interface LoopSettings {
  /** Epochs to run (at most; early stopping may end sooner). */
  epochs: number;
  /** Epoch number of the first epoch (2nd phase of transfer learning continues the count). */
  firstEpoch: number;
  /** Mini-batch size, images. */
  batchSize: number;
  /** Shape of the dataset's images [h, w, c]. */
  imageShape: [number, number, number];
  /** What the model takes: its input shape and pixel preprocessing (images are resized and scaled to it per batch). */
  input: ModelInput;
  numClasses: number;
  labels: "onehot" | "sparse";
  /** Early stopping patience on validation accuracy, epochs; 0 = off. */
  patience: number;
  augment: AugmentSettings;
  seed: number;
  progress: boolean;
  /** Label printed before each epoch's bar, e.g. `lenet`. */
  label: string;
  /** Called after every batch (e.g. a parent's progress bar for a training child). */
  onBatch?: (progress: BatchProgress) => void;
  /**
   * Keras's legacy time-based decay: the learning rate of step t (0-based, counted per
   * compile) is `learningRate / (1 + decay × t)`. 0 = constant. Needs an optimizer with
   * `setLearningRate` (sgd).
   */
  decay?: { learningRate: number; rate: number };
}

/** The loop's result. */
export interface LoopResult {
  history: EpochFigures[];
  /** Epoch whose weights the model now holds. */
  bestEpoch: number;
}

/** Makes the label tensor for `labels` (one-hot [n, classes] or sparse [n, 1]). */
export function labelTensor(labels: ArrayLike<number>, n: number, numClasses: number, mode: "onehot" | "sparse"): tf.Tensor {
  return tf.tidy(() => {
    const idx = tf.tensor1d(
      Int32Array.from({ length: n }, (_, i) => labels[i]!),
      "int32",
    );
    return mode === "onehot" ? tf.oneHot(idx, numClasses).toFloat() : idx.toFloat().reshape([n, 1]);
  });
}

/** True when the model takes the dataset's images as they are ([0, 1], same shape). */
function isIdentity(s: Pick<LoopSettings, "imageShape" | "input">): boolean {
  return sameShape(s.imageShape, s.input.shape) && Math.abs(255 * s.input.scale - 1) < 1e-12 && s.input.offset === 0;
}

/** Images `[0, n)` of `images` (dataset shape, [0, 1]) as the model's input tensor, resized and scaled. */
export function modelInputTensor(images: Float32Array, n: number, s: Pick<LoopSettings, "imageShape" | "input">, scratch?: Float32Array): tf.Tensor4D {
  const size = s.imageShape[0] * s.imageShape[1] * s.imageShape[2];
  if (isIdentity(s)) return tf.tensor4d(images.subarray(0, n * size), [n, ...s.imageShape]);
  const [h, w, c] = s.input.shape;
  const out = scratch && scratch.length >= n * h * w * c ? scratch.subarray(0, n * h * w * c) : new Float32Array(n * h * w * c);
  toModelInput(images, n, s.imageShape, s.input, out);
  return tf.tensor4d(out, [n, h, w, c]);
}

/** Loss and accuracy of `model` on `set`, evaluated in batches of `batchSize`. */
export async function evaluateSet(
  model: tf.LayersModel,
  set: ImageSet,
  s: Pick<LoopSettings, "batchSize" | "imageShape" | "input" | "numClasses" | "labels">,
): Promise<{ loss: number; accuracy: number }> {
  const size = valuesPerImage(set);
  let loss = 0;
  let correct = 0;
  const big = !sameShape(s.imageShape, s.input.shape) && s.input.shape[0] * s.input.shape[1] > 96 * 96;
  const batch = big ? s.batchSize : Math.max(s.batchSize, 256);
  for (let start = 0; start < set.count; start += batch) {
    const n = Math.min(batch, set.count - start);
    const [l, c] = tf.tidy(() => {
      const x = modelInputTensor(set.images.subarray(start * size, (start + n) * size), n, s);
      const y = tf.tensor1d(set.labels.subarray(start, start + n), "int32");
      const p = model.predict(x) as tf.Tensor2D;
      const picked = tf.gatherND(p, tf.stack([tf.range(0, n, 1, "int32"), y], 1));
      const lossSum = tf.neg(tf.sum(tf.log(tf.clipByValue(picked, 1e-7, 1))));
      const hits = tf.sum(tf.equal(tf.argMax(p, 1), y).toInt());
      return [lossSum, hits];
    });
    loss += (await l.data())[0]!;
    correct += (await c.data())[0]!;
    l.dispose();
    c.dispose();
  }
  return { loss: loss / Math.max(1, set.count), accuracy: correct / Math.max(1, set.count) };
}

function metricValue(v: tf.Scalar | number | undefined): number {
  if (v === undefined) return NaN;
  return typeof v === "number" ? v : v.dataSync()[0]!;
}

/** Runs the epochs. The model must be compiled with one metric (accuracy). */
export async function runEpochs(model: tf.LayersModel, train: ImageSet, val: ImageSet, s: LoopSettings): Promise<LoopResult> {
  const size = valuesPerImage(train);
  const buffer = { images: new Float32Array(s.batchSize * size), labels: new Int32Array(s.batchSize) };
  const scratch = new Float32Array(s.batchSize * s.input.shape[0] * s.input.shape[1] * s.input.shape[2]);
  const random = seededRandom(s.seed);
  const history: EpochFigures[] = [];
  let best = { accuracy: -Infinity, epoch: 0, weights: undefined as tf.Tensor[] | undefined };
  let sinceBest = 0;
  let step = 0;
  const decaying = s.decay && s.decay.rate > 0 ? s.decay : undefined;
  const optimizer = model.optimizer as tf.Optimizer & { setLearningRate?: (lr: number) => void };
  if (decaying && typeof optimizer.setLearningRate !== "function") {
    throw new Error(`Learning-rate decay ${decaying.rate} needs the sgd optimizer; ${optimizer.getClassName()} has no settable learning rate`);
  }
  const tty = s.progress && process.stderr.isTTY;
  const lastEpoch = s.firstEpoch + s.epochs - 1;
  for (let epoch = s.firstEpoch; epoch <= lastEpoch; epoch++) {
    const order = shuffledIndices(train.count, random);
    const bar = tty
      ? new cliProgress.SingleBar(
          {
            format: `${s.label} epoch ${epoch}/${lastEpoch} {bar} {percentage}% | {value}/{total} | loss {loss} acc {acc} | {rate} samples/s | ETA {eta}s`,
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(train.count, 0, { loss: "-", acc: "-", rate: "-" });
    const t0 = performance.now();
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    for (let start = 0; start < train.count; start += s.batchSize) {
      const n = takeBatch(train, order, start, buffer);
      const x0 = modelInputTensor(buffer.images, n, s, scratch);
      const x = s.augment.kinds.length ? augmentBatch(x0, s.augment, random) : x0;
      const y = labelTensor(buffer.labels, n, s.numClasses, s.labels);
      try {
        if (decaying) optimizer.setLearningRate!(decaying.learningRate / (1 + decaying.rate * step));
        step++;
        const out = await model.trainOnBatch(x, y);
        const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
        lossSum += metricValue(loss) * n;
        accSum += metricValue(acc) * n;
      } finally {
        tf.dispose([x0, x, y]);
      }
      seen += n;
      const seconds = (performance.now() - t0) / 1000;
      bar?.update(seen, { loss: (lossSum / seen).toFixed(4), acc: (accSum / seen).toFixed(4), rate: Math.round(seen / seconds) });
      s.onBatch?.({ epoch, lastEpoch, seen, total: train.count, loss: lossSum / seen, accuracy: accSum / seen, samplesPerSecond: seen / seconds });
    }
    const seconds = (performance.now() - t0) / 1000;
    bar?.stop();
    const figures: EpochFigures = { epoch, loss: lossSum / seen, accuracy: accSum / seen, seconds, samplesPerSecond: seen / seconds };
    if (val.count > 0) {
      const v = await evaluateSet(model, val, s);
      figures.valLoss = v.loss;
      figures.valAccuracy = v.accuracy;
    }
    history.push(figures);
    if (s.progress) {
      const valText = figures.valAccuracy === undefined ? "" : ` | val loss ${figures.valLoss!.toFixed(4)} acc ${figures.valAccuracy.toFixed(4)}`;
      console.log(
        `${s.label} epoch ${epoch}/${lastEpoch}: loss ${figures.loss.toFixed(4)} acc ${figures.accuracy.toFixed(4)}${valText} | ${Math.round(figures.samplesPerSecond)} samples/s, ${seconds.toFixed(1)} s`,
      );
    }
    const score = figures.valAccuracy ?? figures.accuracy;
    if (score > best.accuracy) {
      best.weights?.forEach((w) => w.dispose());
      best = { accuracy: score, epoch, weights: s.patience > 0 ? model.getWeights().map((w) => w.clone()) : undefined };
      sinceBest = 0;
    } else if (s.patience > 0 && ++sinceBest >= s.patience) {
      if (s.progress)
        console.log(`${s.label}: early stopping after epoch ${epoch}, no val accuracy gain for ${s.patience} epochs; restoring epoch ${best.epoch}`);
      break;
    }
  }
  let bestEpoch = history.at(-1)?.epoch ?? s.firstEpoch;
  if (s.patience > 0 && best.weights) {
    model.setWeights(best.weights);
    best.weights.forEach((w) => w.dispose());
    bestEpoch = best.epoch;
  }
  return { history, bestEpoch };
}
