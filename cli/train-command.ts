/** `npm run train -- --model lenet --dataset mnist --epochs 3`: flags → {@link trainModel}. */
import { Command, Option } from "commander";
import { BACKEND_NAMES } from "../train/backends/index.ts";
import { DATASET_NAMES } from "../train/datasets/index.ts";
import { MODEL_NAMES, TRAIN_DEFAULTS, ZOO, trainModel } from "../train/index.ts";
import { intFlag, listFlag, numberFlag, sizeFlag } from "./parse-flags.ts";

/** Adds the `train` command to `program`. */
export function registerTrain(program: Command): void {
  const d = TRAIN_DEFAULTS;
  program
    .command("train")
    .description("Train a zoo model (or your own CNN config) with TensorFlow.js and save it to <out>/models/<model>-<dataset>/")
    .addOption(new Option("--model <name>", "zoo model to train").choices(MODEL_NAMES).default("lenet"))
    .option("--model-config <file.json>", "train your own CNN from a JSON config (convBlocks, dense, dropout, activation) instead of a zoo model")
    .addOption(new Option("--dataset <name>", "dataset (default: the model's lab dataset)").choices(DATASET_NAMES))
    .option("--data-dir <dir>", "folder with the dataset files: CIFAR-10 binary batches, an image folder (one subfolder per class), or Fashion-MNIST .gz files")
    .option("--image-size <HxW>", "image folder: resize images to this size, pixels (default 32x32)", sizeFlag("image size"))
    .option("--epochs <n>", "training epochs", intFlag("epochs"), d.epochs)
    .option("--batch-size <n>", "mini-batch size, images", intFlag("batch size"), d.batchSize)
    .addOption(new Option("--optimizer <name>", "optimizer (sgd uses Nesterov momentum)").choices(["adam", "sgd"]).default(d.optimizer))
    .option("--lr <rate>", "learning rate (default 0.001 for adam, 0.01 for sgd)", numberFlag("learning rate", 0, 10, true))
    .option("--momentum <m>", "sgd momentum", numberFlag("momentum", 0, 1), d.momentum)
    .addOption(new Option("--labels <encoding>", "label encoding: onehot (categorical cross-entropy) or sparse (sparse categorical cross-entropy)").choices(["onehot", "sparse"]).default(d.labels))
    .option("--validation-split <f>", "fraction of training images held out for validation (seeded)", numberFlag("validation split", 0, 0.9), d.validationSplit)
    .option("--patience <epochs>", "early stopping on validation accuracy after this many epochs without gain, best weights restored (0 = off)", intFlag("patience", 0), d.patience)
    .option("--augment <list>", "training augmentations, comma-separated: flip, shift, rotation", listFlag("augmentation", ["flip", "shift", "rotation"] as const), [])
    .option("--shift <fraction>", "largest shift for --augment shift, fraction of the image size", numberFlag("shift", 0, 0.5), d.shiftFraction)
    .option("--rotation <degrees>", "largest rotation for --augment rotation, degrees", numberFlag("rotation", 0, 180), d.rotationDegrees)
    .option("--limit <n>", "train on at most N training images (a quick subset)", intFlag("limit"))
    .option("--test-limit <n>", "evaluate on at most N test images", intFlag("test limit"))
    .option("--seed <n>", "seed for weights, split, shuffling, dropout and augmentation", intFlag("seed", 0), d.seed)
    .addOption(new Option("--backend <name>", "tfjs backend; auto takes the fastest that loads and records why faster ones were not used").choices(["auto", ...BACKEND_NAMES]).default(d.backend))
    .option("--alpha <a>", "mobilenetv2 width multiplier", numberFlag("alpha", 0, 2, true), d.alpha)
    .option("--pretrained <dir|url>", "mobilenetv2: tfjs model directory or URL with pretrained weights (loaded by layer name); base frozen, new head trained")
    .option("--fine-tune-layers <n>", "mobilenetv2 with --pretrained: unfreeze the top N base layers for a fine-tuning phase (0 = none)", intFlag("fine-tune layers", 0), d.fineTuneLayers)
    .option("--fine-tune-epochs <n>", "epochs of the fine-tuning phase", intFlag("fine-tune epochs"), d.fineTuneEpochs)
    .option("--fine-tune-lr-factor <f>", "learning rate multiplier of the fine-tuning phase", numberFlag("fine-tune lr factor", 0, 1, true), d.fineTuneLrFactor)
    .option("--out <dir>", "artifacts root", d.out)
    .option("--no-summary", "do not print the Keras-style model summary")
    .option("--quiet", "no progress output")
    .addHelpText("after", "\nModels:\n" + ZOO.map((e) => `  ${e.name.padEnd(18)} ${e.description} [${e.defaultDataset}]`).join("\n"))
    .action(async (f: Record<string, unknown>) => {
      const { record, dir } = await trainModel({
        model: f.model as string,
        modelConfig: f.modelConfig as string | undefined,
        dataset: choiceOrUndefined(f.dataset),
        dataDir: f.dataDir as string | undefined,
        imageSize: f.imageSize as [number, number] | undefined,
        epochs: f.epochs as number,
        batchSize: f.batchSize as number,
        optimizer: f.optimizer as "adam" | "sgd",
        learningRate: f.lr as number | undefined,
        momentum: f.momentum as number,
        labels: f.labels as "onehot" | "sparse",
        validationSplit: f.validationSplit as number,
        patience: f.patience as number,
        augment: f.augment as ("flip" | "shift" | "rotation")[],
        shiftFraction: f.shift as number,
        rotationDegrees: f.rotation as number,
        limit: f.limit as number | undefined,
        testLimit: f.testLimit as number | undefined,
        seed: f.seed as number,
        backend: f.backend as "auto",
        alpha: f.alpha as number,
        pretrained: f.pretrained as string | undefined,
        fineTuneLayers: f.fineTuneLayers as number,
        fineTuneEpochs: f.fineTuneEpochs as number,
        fineTuneLrFactor: f.fineTuneLrFactor as number,
        out: f.out as string,
        summary: f.summary as boolean,
        progress: !f.quiet,
      });
      if (f.quiet) console.log(`${record.model} on ${record.dataset.name}: test accuracy ${(record.test.accuracy * 100).toFixed(2)}% -> ${dir}`);
    });
}

function choiceOrUndefined<T>(v: unknown): T | undefined {
  return v === undefined ? undefined : (v as T);
}
