/** `npm run train -- --model lenet --dataset mnist --epochs 3`: flags → {@link trainModel}. */
import { Command, Option } from "commander";
import { BACKEND_NAMES, DATASET_NAMES, PREPROCESS_NAMES, MODEL_NAMES, MOBILENET_PRESET_NAMES, RECIPE_NAMES, TRAIN_DEFAULTS, ZOO, outlineModel, trainModel, type TrainOptionsInput } from "../train/index.ts";
import { intFlag, listFlag, numberFlag, sizeFlag } from "./parse-flags.ts";

/**
 * Adds the `train` command to `program`. Flags a recipe or preset may set have no commander
 * default (their defaults are in the help text and resolved by `resolveTrainOptions`), so a
 * flag the user gives always wins over `--recipe lab` / `--preset`.
 */
export function registerTrain(program: Command): void {
  const d = TRAIN_DEFAULTS;
  program
    .command("train")
    .description("Train a zoo model (or your own CNN config) with TensorFlow.js and save it to <out>/models/<model>-<dataset>/")
    .addOption(new Option("--model <name>", "zoo model to train").choices(MODEL_NAMES).default("lenet"))
    .option("--model-config <file.json>", "train your own CNN from a JSON config (convBlocks, dense, dropout, activation, padding, batch norm) instead of a zoo model")
    .addOption(new Option("--dataset <name>", "dataset (default: the model's lab dataset)").choices(DATASET_NAMES))
    .option("--data-dir <dir>", "folder with the dataset files: CIFAR-10 binary batches, an image folder (one subfolder per class), or Fashion-MNIST .gz files")
    .addOption(new Option("--recipe <name>", "lab: train as the model's notebook did (optimizer, learning rate, batch size, epochs, validation split); flags you give still win").choices(RECIPE_NAMES).default(d.recipe))
    .addOption(new Option("--preset <name>", "mobilenetv2: one notebook's whole transfer-learning setup (input size, width, head, learning rates, epochs, optimizer, batch size, validation split)").choices(MOBILENET_PRESET_NAMES))
    .option("--summary", "only build the model and print its Keras-style summary: no data is loaded, nothing trains")
    .option("--no-summary", "do not print the Keras-style model summary before training")
    .option("--image-size <HxW>", "model input size: every dataset's images are resized to it, bilinear (default: the dataset's own size; image folders 32x32)", sizeFlag("image size"))
    .addOption(new Option("--preprocess <name>", "pixel preprocessing, applied in training and recorded in the ONNX metadata: unit = x/255 in [0, 1], symmetric = x/127.5 - 1 in [-1, 1] (default: symmetric for mobilenetv2, unit otherwise)").choices(PREPROCESS_NAMES))
    .option("--epochs <n>", `training epochs (default ${d.epochs})`, intFlag("epochs"))
    .option("--batch-size <n>", `mini-batch size, images (default ${d.batchSize})`, intFlag("batch size"))
    .addOption(new Option("--optimizer <name>", `optimizer, sgd uses Nesterov momentum (default ${d.optimizer})`).choices(["adam", "sgd"]))
    .option("--lr <rate>", "learning rate (default 0.001 for adam, 0.01 for sgd)", numberFlag("learning rate", 0, 10, true))
    .option("--lr-decay <d>", `Keras's legacy decay: lr / (1 + d x step), sgd only (default ${d.lrDecay})`, numberFlag("learning-rate decay", 0, 1))
    .option("--momentum <m>", `sgd momentum (default ${d.momentum})`, numberFlag("momentum", 0, 1))
    .addOption(new Option("--labels <encoding>", `label encoding: onehot (categorical cross-entropy) or sparse (sparse categorical cross-entropy) (default ${d.labels})`).choices(["onehot", "sparse"]))
    .option("--validation-split <f>", `fraction of training images held out for validation, seeded (default ${d.validationSplit})`, numberFlag("validation split", 0, 0.9))
    .option("--patience <epochs>", "early stopping on validation accuracy after this many epochs without gain, best weights restored (default 0 = off)", intFlag("patience", 0))
    .option("--augment <list>", "training augmentations, comma-separated: flip, shift, rotation (default none)", listFlag("augmentation", ["flip", "shift", "rotation"] as const))
    .option("--shift <fraction>", `largest shift for --augment shift, fraction of the image size (default ${d.shiftFraction})`, numberFlag("shift", 0, 0.5))
    .option("--rotation <degrees>", `largest rotation for --augment rotation, degrees (default ${d.rotationDegrees})`, numberFlag("rotation", 0, 180))
    .option("--limit <n>", "train on at most N training images (a quick subset)", intFlag("limit"))
    .option("--test-limit <n>", "evaluate on at most N test images", intFlag("test limit"))
    .option("--seed <n>", "seed for weights, split, shuffling, dropout and augmentation", intFlag("seed", 0), d.seed)
    .addOption(new Option("--backend <name>", "tfjs backend; auto takes the fastest that loads and records why faster ones were not used").choices(["auto", ...BACKEND_NAMES]).default(d.backend))
    .option("--alpha <a>", `mobilenetv2 width multiplier (default ${d.alpha}, Keras's and every notebook's)`, numberFlag("alpha", 0, 2, true))
    .option("--head-dense <units>", `mobilenetv2 head: a relu Dense layer after global average pooling, 0 = none (default ${d.headDense})`, intFlag("head dense units", 0))
    .option("--head-dropout <rate>", `mobilenetv2 head: dropout before the output layer (default ${d.headDropout})`, numberFlag("head dropout", 0, 0.95))
    .option("--pretrained <dir|url>", "mobilenetv2: tfjs model directory or URL with pretrained weights (loaded by layer name); base frozen (batch norms in inference mode), new head trained")
    .option("--fine-tune-layers <n>", `mobilenetv2 with --pretrained: unfreeze the top N base layers for a fine-tuning phase (default ${d.fineTuneLayers} = none)`, intFlag("fine-tune layers", 0))
    .option("--fine-tune-epochs <n>", `epochs of the fine-tuning phase (default ${d.fineTuneEpochs})`, intFlag("fine-tune epochs"))
    .option("--fine-tune-lr-factor <f>", `learning rate multiplier of the fine-tuning phase (default ${d.fineTuneLrFactor})`, numberFlag("fine-tune lr factor", 0, 1, true))
    .option("--out <dir>", "artifacts root", d.out)
    .option("--quiet", "no progress output")
    .addHelpText("after", "\nModels:\n" + ZOO.map((e) => `  ${e.name.padEnd(18)} ${e.description} [${e.defaultDataset}]`).join("\n"))
    .action(async (f: Record<string, unknown>) => {
      const options: TrainOptionsInput = {
        model: f.model as string,
        modelConfig: f.modelConfig as string | undefined,
        dataset: f.dataset as TrainOptionsInput["dataset"],
        dataDir: f.dataDir as string | undefined,
        recipe: f.recipe as TrainOptionsInput["recipe"],
        preset: f.preset as string | undefined,
        imageSize: f.imageSize as [number, number] | undefined,
        preprocess: f.preprocess as TrainOptionsInput["preprocess"],
        epochs: f.epochs as number | undefined,
        batchSize: f.batchSize as number | undefined,
        optimizer: f.optimizer as TrainOptionsInput["optimizer"],
        learningRate: f.lr as number | undefined,
        lrDecay: f.lrDecay as number | undefined,
        momentum: f.momentum as number | undefined,
        labels: f.labels as TrainOptionsInput["labels"],
        validationSplit: f.validationSplit as number | undefined,
        patience: f.patience as number | undefined,
        augment: f.augment as TrainOptionsInput["augment"],
        shiftFraction: f.shift as number | undefined,
        rotationDegrees: f.rotation as number | undefined,
        limit: f.limit as number | undefined,
        testLimit: f.testLimit as number | undefined,
        seed: f.seed as number,
        backend: f.backend as TrainOptionsInput["backend"],
        alpha: f.alpha as number | undefined,
        headDense: f.headDense as number | undefined,
        headDropout: f.headDropout as number | undefined,
        pretrained: f.pretrained as string | undefined,
        fineTuneLayers: f.fineTuneLayers as number | undefined,
        fineTuneEpochs: f.fineTuneEpochs as number | undefined,
        fineTuneLrFactor: f.fineTuneLrFactor as number | undefined,
        out: f.out as string,
        summary: f.summary !== false,
        progress: !f.quiet,
      };
      if (f.summary === true) {
        const outline = await outlineModel(options);
        console.log(outline.text);
        return;
      }
      const { record, dir } = await trainModel(options);
      if (f.quiet) console.log(`${record.model} on ${record.dataset.name}: test accuracy ${(record.test.accuracy * 100).toFixed(2)}% -> ${dir}`);
    });
}
