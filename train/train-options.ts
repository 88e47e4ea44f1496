/** The training stage's one options object, with every default resolved in one place. */
import type { BackendName } from "./backends/index.ts";
import type { DatasetName } from "./datasets/index.ts";
import type { PreprocessName } from "../formats/model-input.ts";
import type { RecipeName } from "./recipes.ts";

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
  /**
   * Model input size [height, width], pixels: every dataset's images are resized to it
   * (bilinear, per batch; an image folder is decoded at it). Default: the dataset's own size
   * (an image folder: 32x32).
   */
  imageSize?: [number, number];
  /**
   * Pixel preprocessing the model is trained with and its ONNX metadata records: `unit`
   * (x/255, [0, 1]) or `symmetric` (x/127.5 − 1, [-1, 1], MobileNetV2's `preprocess_input`).
   * Default: `symmetric` for mobilenetv2 (what ImageNet weights expect), `unit` otherwise.
   */
  preprocess?: PreprocessName;
  /** `lab`: the model's notebook recipe (optimizer, batch size, epochs, validation split) for options left unset. Default `default`. */
  recipe: RecipeName;
  /** MobileNetV2: a notebook's whole transfer-learning setup (see `MOBILENET_PRESETS`). */
  preset?: string;
  /** Keras's legacy time-based decay of the learning rate per step, lr / (1 + decay × step); sgd only. Default 0. */
  lrDecay: number;
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
  /** MobileNetV2 width multiplier. Default 1.0: every lab notebook uses Keras's default MobileNetV2 (1.0), and ImageNet weights exist for it. */
  alpha: number;
  /** MobileNetV2 head: units of a relu Dense layer after global average pooling; 0 = none. Default 0. */
  headDense: number;
  /** MobileNetV2 head: dropout before the output layer. Default 0.2. */
  headDropout: number;
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
  /** Build the model, print its summary and return: no data is loaded, nothing trains or is written. Default false. */
  summaryOnly: boolean;
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
  alpha: 1,
  headDense: 0,
  headDropout: 0.2,
  recipe: "default",
  lrDecay: 0,
  summaryOnly: false,
  fineTuneLayers: 0,
  fineTuneEpochs: 2,
  fineTuneLrFactor: 0.1,
  summary: true,
  progress: true,
} as const satisfies Partial<TrainOptions>;

/** Options as a caller gives them: only the model is required. */
export type TrainOptionsInput = Partial<TrainOptions> & { model: string };
