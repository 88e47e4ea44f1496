/**
 * Each zoo model's training recipe as its notebook wrote it (`../shared/seeds/`), so
 * `--recipe lab` trains as the lab did; and the MobileNetV2 transfer-learning presets, one
 * per notebook. A recipe only fills options the caller left unset.
 */
import { MOBILENET_PRESET_NAMES, RECIPE_NAMES, type MobilenetPresetName, type RecipeName } from "../formats/enums.ts";
import type { TrainOptions } from "../formats/options/train-options.ts";

/** A notebook's settings for one model. */
export interface Recipe {
  /** Which notebook and cell the settings come from. */
  readonly source: string;
  /** The settings (only what the notebook fixes). */
  readonly options: Partial<TrainOptions>;
  /** Where the harness cannot follow the notebook, or the notebook is illegible, and what it does instead. */
  readonly notes: readonly string[];
}

export { RECIPE_NAMES, type RecipeName };

/** The CIFAR-10 lab's SGD: `SGD(learning_rate=0.01, decay=1e-6, momentum=0.9, nesterov=True)`, categorical cross-entropy. */
const CIFAR_LAB_SGD: Partial<TrainOptions> = {
  optimizer: "sgd",
  learningRate: 0.01,
  lrDecay: 1e-6,
  momentum: 0.9,
  labels: "onehot",
  batchSize: 32,
  validationSplit: 0.2,
};
const CIFAR_LAB = "004_8744a69186e23c83.txt (CIFAR-10 lab)";

/**
 * Lab 3's `train_and_evaluate_model` (001): Adam, categorical cross-entropy, a 6,000-image
 * (10%) validation set, early stopping on val accuracy with the best weights restored. Its
 * `batch_size`, `epochs` and `patience` defaults are cut off in the notebook's text; the
 * harness assumes 128, 20 and 3.
 */
const LAB3: Recipe = {
  source: "001_42f451896106f300.txt (lab 3), train_and_evaluate_model",
  options: { optimizer: "adam", learningRate: 0.001, labels: "onehot", batchSize: 128, epochs: 20, patience: 3, validationSplit: 0.1 },
  notes: [
    "the notebook's batch_size, epochs and patience defaults are cut off in its text: 128, 20 and 3 are assumed",
    "validation: a seeded random 10% where the notebook holds out the last 6,000 images",
  ],
};

/** Zoo model → its notebook recipe. */
export const LAB_RECIPES: Readonly<Record<string, Recipe>> = {
  lenet: {
    source: "000_1ac9288ef9b2c726.txt (lab 6) F.1: fit(validation_split=0.1, epochs=3, batch_size=128), adam, sparse categorical cross-entropy",
    options: { optimizer: "adam", learningRate: 0.001, labels: "sparse", batchSize: 128, epochs: 3, validationSplit: 0.1 },
    notes: ["Keras's validation_split takes the last 10%; the harness takes a seeded random 10%"],
  },
  "assignment-cnn": {
    source: "002_ef41ef41bad94182.txt (assignment 06) Q9: fit(epochs=10, batch_size=64, validation_split=0.2), adam, categorical cross-entropy",
    options: { optimizer: "adam", learningRate: 0.001, labels: "onehot", batchSize: 64, epochs: 10, validationSplit: 0.2 },
    notes: ["Keras's validation_split takes the last 20%; the harness takes a seeded random 20%"],
  },
  "basic-cnn": LAB3,
  "shallow-cnn": LAB3,
  "deep-cnn": LAB3,
  "wide-cnn": LAB3,
  "tiny-cnn": LAB3,
  "small-filters": LAB3,
  "large-filters": LAB3,
  "mixed-filters": LAB3,
  fcnn: {
    source: `${CIFAR_LAB} section 2: fit(epochs=15, batch_size=32, validation_split=0.2), SGD 0.01 Nesterov 0.9 decay 1e-6`,
    options: { ...CIFAR_LAB_SGD, epochs: 15 },
    notes: ["the lab trains it on CIFAR-10 (pass --dataset cifar10 --data-dir …); lab 3 quotes an MNIST FCNN's figures without its code"],
  },
  "alexnet-cifar": {
    source: "000_1ac9288ef9b2c726.txt (lab 6) F.2: fit(validation_split=0.1, epochs=10, batch_size=128), adam, sparse categorical cross-entropy",
    options: { optimizer: "adam", learningRate: 0.001, labels: "sparse", batchSize: 128, epochs: 10, validationSplit: 0.1 },
    notes: [],
  },
  "cifar-cnn": { source: `${CIFAR_LAB} section 3: fit(batch_size=32, epochs=5, validation_split=0.2)`, options: { ...CIFAR_LAB_SGD, epochs: 5 }, notes: [] },
  "cifar-cnn-dropout": {
    source: `${CIFAR_LAB} section 4.1: fit(batch_size=32, epochs=10, validation_split=0.2)`,
    options: { ...CIFAR_LAB_SGD, epochs: 10 },
    notes: [],
  },
  "cifar-cnn-bn": {
    source: `${CIFAR_LAB} section 4.2: fit(batch_size=32, epochs=15, validation_split=0.2)`,
    options: { ...CIFAR_LAB_SGD, epochs: 15 },
    notes: [],
  },
  "cifar-cnn-final": {
    source: `${CIFAR_LAB} section 5: SGD(learning_rate=0.04, decay=1e-6, momentum=0.9, nesterov=True), fit(batch_size=32, epochs=25, validation_split=0.2)`,
    options: { ...CIFAR_LAB_SGD, learningRate: 0.04, epochs: 25 },
    notes: [],
  },
};

export { MOBILENET_PRESET_NAMES, type MobilenetPresetName };

/** The notebooks' MobileNetV2 transfer-learning settings. Every one needs `--pretrained` ImageNet weights to mean what the notebook meant. */
export const MOBILENET_PRESETS: Readonly<Record<MobilenetPresetName, Recipe>> = {
  "lab6-f3": {
    source:
      "000_1ac9288ef9b2c726.txt (lab 6) F.3: CIFAR-10 resized to 224, preprocess_input, MobileNetV2(alpha 1.0) frozen, GAP + Dense softmax, adam 3 epochs at batch 32; then the top 30 layers at Adam(1e-5) for 2 epochs",
    options: {
      imageSize: [224, 224],
      alpha: 1,
      preprocess: "symmetric",
      headDense: 0,
      headDropout: 0,
      optimizer: "adam",
      learningRate: 0.001,
      labels: "sparse",
      batchSize: 32,
      epochs: 3,
      validationSplit: 0,
      fineTuneLayers: 30,
      fineTuneEpochs: 2,
      fineTuneLrFactor: 0.01,
    },
    notes: [
      "the notebook validates on the test set each epoch; the harness holds out nothing (validation split 0) and evaluates the test set at the end",
      "fine-tuning keeps the unfrozen batch norms frozen, in inference mode (the notebook's base(inputs, training=False) also runs them in inference mode, but trains their scale and shift)",
    ],
  },
  "lab3-part6": {
    source:
      "001_42f451896106f300.txt (lab 3) part 6: 32x32 resized to 224 in the model, MobileNetV2(alpha 1.0) frozen, GAP + Dense 256 relu + Dropout 0.3, adam 10 epochs; then the top 10 layers at Adam(1e-4) for 5 epochs",
    options: {
      imageSize: [224, 224],
      alpha: 1,
      preprocess: "symmetric",
      headDense: 256,
      headDropout: 0.3,
      optimizer: "adam",
      learningRate: 0.001,
      labels: "onehot",
      batchSize: 128,
      epochs: 10,
      patience: 3,
      validationSplit: 0.1,
      fineTuneLayers: 10,
      fineTuneEpochs: 5,
      fineTuneLrFactor: 0.1,
    },
    notes: [
      "the notebook feeds [0, 1] pixels to ImageNet weights (no preprocess_input); the preset uses MobileNetV2's [-1, 1] (--preprocess unit reproduces the notebook)",
      "the notebook's batch size and patience defaults are cut off in its text (128 and 3 assumed); its fine-tuning phase uses batch 32, the harness keeps one batch size",
      "the notebook's fine-tuning calls base(…, training=True), so its batch norms update their statistics; the harness keeps them frozen in inference mode",
    ],
  },
  "assignment6-q10": {
    source:
      "002_ef41ef41bad94182.txt (assignment 06) Q10: CIFAR-10 at 96x96, 20% validation, flips/shifts/rotations, MobileNetV2(alpha 1.0) frozen, GAP + Dense 256 relu + Dropout 0.5, Adam(1e-3) 10 epochs at batch 32; then the whole base at Adam(1e-4) for 10 epochs",
    options: {
      imageSize: [96, 96],
      alpha: 1,
      preprocess: "symmetric",
      headDense: 256,
      headDropout: 0.5,
      optimizer: "adam",
      learningRate: 0.001,
      labels: "sparse",
      batchSize: 32,
      epochs: 10,
      validationSplit: 0.2,
      augment: ["flip", "shift", "rotation"],
      shiftFraction: 0.1,
      rotationDegrees: 15,
      fineTuneLayers: 1000,
      fineTuneEpochs: 10,
      fineTuneLrFactor: 0.1,
    },
    notes: [
      "the notebook rescales to [0, 1] (ImageDataGenerator rescale=1/255) and never resizes its 32x32 images to the 96x96 input: the bug behind its 11.11% test accuracy; the preset resizes and uses MobileNetV2's [-1, 1]",
      "fine-tuning unfreezes every base layer except batch norms, which stay frozen in inference mode",
    ],
  },
};

/**
 * The recipe `--recipe`/`--preset` pick for `model`; undefined for `--recipe default`.
 * @throws {Error} for a preset on a model other than mobilenetv2, naming the valid presets.
 */
export function recipeFor(model: string, recipe: RecipeName, preset: string | undefined): Recipe | undefined {
  if (preset !== undefined) {
    if (!(MOBILENET_PRESET_NAMES as readonly string[]).includes(preset)) {
      throw new Error(`Unknown preset "${preset}". Expected one of: ${MOBILENET_PRESET_NAMES.join(", ")}`);
    }
    if (model !== "mobilenetv2") throw new Error(`Preset "${preset}" is for --model mobilenetv2, not "${model}"; other models take --recipe lab`);
    return MOBILENET_PRESETS[preset as MobilenetPresetName];
  }
  if (recipe === "default") return undefined;
  if (model === "mobilenetv2") return MOBILENET_PRESETS["lab6-f3"];
  const r = LAB_RECIPES[model];
  if (!r) throw new Error(`Model "${model}" has no lab recipe. Models with one: ${[...Object.keys(LAB_RECIPES), "mobilenetv2"].join(", ")}`);
  return r;
}
