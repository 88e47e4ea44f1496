/**
 * The training stage's options, declared once as {@link TrainOptionsSchema}: the `train`
 * command's flags (`cli/train-command.ts`), the options type and their validation derive
 * from it; {@link TRAIN_DEFAULTS} are the defaults a recipe or preset may override
 * (`resolveTrainOptions` applies defaults, then the recipe, then what the caller gave).
 */
import { z } from "zod";
import { BACKEND_NAMES, DATASET_NAMES, MOBILENET_PRESET_NAMES, RECIPE_NAMES } from "../enums.ts";
import { PREPROCESS_NAMES, type PreprocessName } from "../model-input.ts";
import { choice, int, list, num, size } from "./option-schema.ts";

/** Augmentations applied to each training batch. */
export const AUGMENT_KINDS = ["flip", "shift", "rotation"] as const;
/** Augmentations applied to each training batch. */
export type AugmentKind = (typeof AUGMENT_KINDS)[number];

/** Defaults of every optional training option (a recipe or preset overrides them; what the caller gives overrides both). */
export const TRAIN_DEFAULTS = {
  model: "lenet",
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
  autoSoftwareAdapter: false,
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
} as const;

const d = TRAIN_DEFAULTS;

/** Everything `trainModel` needs, with each field's `--help` text; see {@link TRAIN_DEFAULTS} for defaults. */
export const TrainOptionsSchema = z.object({
  /** Zoo model name (`lenet`, ...) or a CNN config file via `modelConfig`. */
  model: z.string().describe("zoo model to train"),
  /** Path of a CNN config JSON (user-defined CNN); overrides `model` when set. */
  modelConfig: z
    .string()
    .optional()
    .describe("train your own CNN from a JSON config (convBlocks, dense, dropout, activation, padding, batch norm) instead of a zoo model"),
  /** Dataset name; default: the model's lab dataset. */
  dataset: choice("dataset", DATASET_NAMES).describe("dataset (default: the model's lab dataset)"),
  /** Folder holding dataset files (CIFAR-10 batches, an image folder, Fashion-MNIST .gz). */
  dataDir: z
    .string()
    .optional()
    .describe("folder with the dataset files: CIFAR-10 binary batches, an image folder (one subfolder per class), or Fashion-MNIST .gz files"),
  /** `lab`: the model's notebook recipe (optimizer, batch size, epochs, validation split) for options left unset. */
  recipe: choice("recipe", RECIPE_NAMES).describe(
    "lab: train as the model's notebook did (optimizer, learning rate, batch size, epochs, validation split); flags you give still win",
  ),
  /** MobileNetV2: a notebook's whole transfer-learning setup (see `MOBILENET_PRESETS`). */
  preset: choice("preset", MOBILENET_PRESET_NAMES)
    .optional()
    .describe(
      "mobilenetv2: one notebook's whole transfer-learning setup (input size, width, head, learning rates, epochs, optimizer, batch size, validation split)",
    ),
  /**
   * Model input size [height, width], pixels: every dataset's images are resized to it
   * (bilinear, per batch; an image folder is decoded at it). Default: the dataset's own size
   * (an image folder: 32x32).
   */
  imageSize: size("image size")
    .optional()
    .describe("model input size: every dataset's images are resized to it, bilinear (default: the dataset's own size; image folders 32x32)"),
  /**
   * Pixel preprocessing the model is trained with and its ONNX metadata records: `unit`
   * (x/255, [0, 1]) or `symmetric` (x/127.5 − 1, [-1, 1], MobileNetV2's `preprocess_input`).
   * Default: `symmetric` for mobilenetv2 (what ImageNet weights expect), `unit` otherwise.
   */
  preprocess: choice("preprocessing", PREPROCESS_NAMES as [PreprocessName, ...PreprocessName[]])
    .optional()
    .describe(
      "pixel preprocessing, applied in training and recorded in the ONNX metadata: unit = x/255 in [0, 1], symmetric = x/127.5 - 1 in [-1, 1] (default: symmetric for mobilenetv2, unit otherwise)",
    ),
  /** Epochs (of the first phase for transfer learning). */
  epochs: int("epochs").describe(`training epochs (default ${d.epochs})`),
  /** Mini-batch size, images. */
  batchSize: int("batch size").describe(`mini-batch size, images (default ${d.batchSize})`),
  /** Optimizer. */
  optimizer: choice("optimizer", ["adam", "sgd"]).describe(`optimizer, sgd uses Nesterov momentum (default ${d.optimizer})`),
  /** Learning rate. Default 0.001 (adam) or 0.01 (sgd). */
  learningRate: num("learning rate", 0, 10, { exclusiveMin: true }).optional().describe("learning rate (default 0.001 for adam, 0.01 for sgd)"),
  /** Keras's legacy time-based decay of the learning rate per step, lr / (1 + decay × step); sgd only. */
  lrDecay: num("learning-rate decay", 0, 1).describe(`Keras's legacy decay: lr / (1 + d x step), sgd only (default ${d.lrDecay})`),
  /** Momentum for sgd (Nesterov). */
  momentum: num("momentum", 0, 1).describe(`sgd momentum (default ${d.momentum})`),
  /** Label encoding, which also picks the loss. */
  labels: choice("label encoding", ["onehot", "sparse"]).describe(
    `label encoding: onehot (categorical cross-entropy) or sparse (sparse categorical cross-entropy) (default ${d.labels})`,
  ),
  /** Fraction of the training split held out for validation (seeded). */
  validationSplit: num("validation split", 0, 1, { exclusiveMax: true }).describe(
    `fraction of training images held out for validation, seeded (default ${d.validationSplit})`,
  ),
  /** Early stopping patience in epochs on validation accuracy (best weights restored); 0 = off. */
  patience: int("patience", 0).describe("early stopping on validation accuracy after this many epochs without gain, best weights restored (default 0 = off)"),
  /** Augmentations for training batches. */
  augment: list("augmentation", AUGMENT_KINDS, "any of").describe("training augmentations, comma-separated: flip, shift, rotation (default none)"),
  /** Largest shift for `shift`, as a fraction of width/height. */
  shiftFraction: num("shift", 0, 0.5).describe(`largest shift for --augment shift, fraction of the image size (default ${d.shiftFraction})`),
  /** Largest rotation for `rotation`, degrees. */
  rotationDegrees: num("rotation", 0, 180).describe(`largest rotation for --augment rotation, degrees (default ${d.rotationDegrees})`),
  /** Train on at most this many training images (before the validation split). */
  limit: int("limit").optional().describe("train on at most N training images (a quick subset)"),
  /** Evaluate on at most this many test images. */
  testLimit: int("test limit").optional().describe("evaluate on at most N test images"),
  /** Seed for initial weights, the split, shuffling, dropout and augmentation. */
  seed: int("seed", 0).describe("seed for weights, split, shuffling, dropout and augmentation"),
  /** Training backend: auto (the fastest that loads) or a name. */
  backend: choice("backend", ["auto", ...BACKEND_NAMES]).describe(
    "tfjs backend; auto times a short training step on each that loads, keeps the fastest and records the figures",
  ),
  /** Let `auto` time a software GPU adapter (SwiftShader, lavapipe) and choose it when fastest. */
  autoSoftwareAdapter: z
    .boolean()
    .describe(
      "let --backend auto time a software WebGPU adapter (SwiftShader, lavapipe) and choose it when fastest (default off: it trains far slower than wasm)",
    ),
  /** MobileNetV2 width multiplier: every lab notebook uses Keras's default MobileNetV2 (1.0), and ImageNet weights exist for it. */
  alpha: num("alpha", 0, 2, { exclusiveMin: true }).describe(`mobilenetv2 width multiplier (default ${d.alpha}, Keras's and every notebook's)`),
  /** MobileNetV2 head: units of a relu Dense layer after global average pooling; 0 = none. */
  headDense: int("head dense units", 0).describe(`mobilenetv2 head: a relu Dense layer after global average pooling, 0 = none (default ${d.headDense})`),
  /** MobileNetV2 head: dropout before the output layer. */
  headDropout: num("head dropout", 0, 1, { exclusiveMax: true }).describe(`mobilenetv2 head: dropout before the output layer (default ${d.headDropout})`),
  /** MobileNetV2: tfjs model directory or URL with pretrained weights (loaded by layer name). */
  pretrained: z
    .string()
    .optional()
    .describe(
      "mobilenetv2: tfjs model directory or URL with pretrained weights (loaded by layer name); base frozen (batch norms in inference mode), new head trained",
    ),
  /** MobileNetV2 transfer learning: base layers unfrozen for fine-tuning (from the top); 0 = no fine-tuning. */
  fineTuneLayers: int("fine-tune layers", 0).describe(
    `mobilenetv2 with --pretrained: unfreeze the top N base layers for a fine-tuning phase (default ${d.fineTuneLayers} = none)`,
  ),
  /** Epochs of the fine-tuning phase. */
  fineTuneEpochs: int("fine-tune epochs").describe(`epochs of the fine-tuning phase (default ${d.fineTuneEpochs})`),
  /** Learning rate factor of the fine-tuning phase. */
  fineTuneLrFactor: num("fine-tune lr factor", 0, 1, { exclusiveMin: true }).describe(
    `learning rate multiplier of the fine-tuning phase (default ${d.fineTuneLrFactor})`,
  ),
  /** Artifacts root; the model goes to `<out>/models/<model>-<dataset>/`. */
  out: z.string().describe("artifacts root"),
  /** Print the Keras-style summary before training. */
  summary: z.boolean(),
  /** Build the model, print its summary and return: no data is loaded, nothing trains or is written. */
  summaryOnly: z.boolean(),
  /** Show progress (bars on a TTY, a line per epoch otherwise). */
  progress: z.boolean(),
});

/** Everything `trainModel` needs; see {@link TRAIN_DEFAULTS} for defaults. */
export type TrainOptions = z.output<typeof TrainOptionsSchema>;

/** Options as a caller gives them: only the model is required. */
export type TrainOptionsInput = Partial<TrainOptions> & { model: string };

/** The options train.json records (what the run used, the learning rate resolved); older records may lack newer fields. */
export const TrainRecordOptionsSchema = TrainOptionsSchema.partial().loose();
