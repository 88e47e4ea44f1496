/** The training stage's one options object, with every default resolved in one place. */
import type { BackendName } from "./backends/index.ts";
import type { DatasetName } from "./datasets/index.ts";

/** Augmentations applied to each training batch. */
export type AugmentKind = "flip" | "shift" | "rotation";

/** Everything `trainModel` needs; see {@link TRAIN_DEFAULTS} for defaults. */
export interface TrainOptions {
  /** Zoo model name (`lenet`, ...) or a CNN config file via `modelConfig`. */
  model: string;
  /** Path of a CNN config JSON (user-defined CNN); overrides `model` when set. */
  modelConfig?: string;
  /** Dataset name; default: the model's lab dataset. */
  dataset: DatasetName;
  /** Folder holding dataset files (CIFAR-10 batches, an image folder, Fashion-MNIST .gz). */
  dataDir?: string;
  /** Image size [height, width] an image folder is resized to, pixels. Default 32x32. */
  imageSize?: [number, number];
  /** Artifacts root; the model goes to `<out>/models/<model>-<dataset>/`. Default `artifacts`. */
  out: string;
  /** Epochs (of the first phase for transfer learning). Default 3. */
  epochs: number;
  /** Mini-batch size, images. Default 128. */
  batchSize: number;
  /** Optimizer. Default adam. */
  optimizer: "adam" | "sgd";
  /** Learning rate. Default 0.001 (adam) or 0.01 (sgd). */
  learningRate?: number;
  /** Momentum for sgd (Nesterov). Default 0.9. */
  momentum: number;
  /** Label encoding, which also picks the loss. Default onehot (categorical cross-entropy). */
  labels: "onehot" | "sparse";
  /** Fraction of the training split held out for validation (seeded). Default 0.1. */
  validationSplit: number;
  /** Early stopping patience in epochs on validation accuracy (best weights restored); 0 = off. Default 0. */
  patience: number;
  /** Augmentations for training batches. Default none. */
  augment: AugmentKind[];
  /** Largest shift for `shift`, as a fraction of width/height. Default 0.1. */
  shiftFraction: number;
  /** Largest rotation for `rotation`, degrees. Default 15. */
  rotationDegrees: number;
  /** Train on at most this many training images (before the validation split). */
  limit?: number;
  /** Evaluate on at most this many test images. */
  testLimit?: number;
  /** Seed for initial weights, the split, shuffling, dropout and augmentation. Default 42. */
  seed: number;
  /** Training backend. Default auto (the fastest that loads). */
  backend: "auto" | BackendName;
  /** MobileNetV2 width multiplier. Default 0.35. */
  alpha: number;
  /** MobileNetV2: tfjs model directory or URL with pretrained weights (loaded by layer name). */
  pretrained?: string;
  /** MobileNetV2 transfer learning: base layers unfrozen for fine-tuning (from the top). Default 0 (no fine-tuning). */
  fineTuneLayers: number;
  /** Epochs of the fine-tuning phase. Default 2. */
  fineTuneEpochs: number;
  /** Learning rate factor of the fine-tuning phase. Default 0.1. */
  fineTuneLrFactor: number;
  /** Print the Keras-style summary before training. Default true. */
  summary: boolean;
  /** Show progress (bars on a TTY, a line per epoch otherwise). Default true. */
  progress: boolean;
}

/** Defaults of every optional training option. */
export const TRAIN_DEFAULTS = {
  out: "artifacts",
  epochs: 3,
  batchSize: 128,
  optimizer: "adam",
  momentum: 0.9,
  labels: "onehot",
  validationSplit: 0.1,
  patience: 0,
  augment: [],
  shiftFraction: 0.1,
  rotationDegrees: 15,
  seed: 42,
  backend: "auto",
  alpha: 0.35,
  fineTuneLayers: 0,
  fineTuneEpochs: 2,
  fineTuneLrFactor: 0.1,
  summary: true,
  progress: true,
} as const satisfies Partial<TrainOptions>;

/** Options as a caller gives them: only the model is required. */
export type TrainOptionsInput = Partial<TrainOptions> & { model: string };
