/** `npm run train -- --model lenet --dataset mnist --epochs 3`: flags → {@link trainModel}. */
import type { Command } from "commander";
import { MODEL_NAMES, TRAIN_DEFAULTS, TrainOptionsSchema, ZOO, outlineModel, trainModel, type TrainOptionsInput } from "../train/index.ts";
import { addFlags, flagOptions, type Flag } from "./parse-flags.ts";

/**
 * The `train` flags of {@link TrainOptionsSchema}'s fields, in `--help` order. Flags a recipe
 * or preset may set have no commander default (their defaults are in the help text and
 * resolved by `resolveTrainOptions`), so a flag the user gives always wins over `--recipe lab` / `--preset`.
 */
const TRAIN_FLAGS: readonly Flag[] = [
  { flags: "--model <name>", choices: MODEL_NAMES, showDefault: true },
  { flags: "--model-config <file.json>" },
  { flags: "--dataset <name>", choices: true },
  { flags: "--data-dir <dir>" },
  { flags: "--recipe <name>", choices: true, showDefault: true },
  { flags: "--preset <name>", choices: true },
];
const TRAIN_FLAGS_AFTER_SUMMARY: readonly Flag[] = [
  { flags: "--image-size <HxW>" },
  { flags: "--preprocess <name>", choices: true },
  { flags: "--epochs <n>" },
  { flags: "--batch-size <n>" },
  { flags: "--optimizer <name>", choices: true },
  { flags: "--lr <rate>", key: "learningRate" },
  { flags: "--lr-decay <d>" },
  { flags: "--momentum <m>" },
  { flags: "--labels <encoding>", choices: true },
  { flags: "--validation-split <f>" },
  { flags: "--patience <epochs>" },
  { flags: "--augment <list>" },
  { flags: "--shift <fraction>", key: "shiftFraction" },
  { flags: "--rotation <degrees>", key: "rotationDegrees" },
  { flags: "--limit <n>" },
  { flags: "--test-limit <n>" },
  { flags: "--seed <n>", showDefault: true },
  { flags: "--backend <name>", choices: true, showDefault: true },
  { flags: "--auto-software-adapter" },
  { flags: "--alpha <a>" },
  { flags: "--head-dense <units>" },
  { flags: "--head-dropout <rate>" },
  { flags: "--pretrained <dir|url>" },
  { flags: "--fine-tune-layers <n>" },
  { flags: "--fine-tune-epochs <n>" },
  { flags: "--fine-tune-lr-factor <f>" },
  { flags: "--out <dir>", showDefault: true },
];

/** Adds the `train` command to `program`. */
export function registerTrain(program: Command): void {
  const shape = TrainOptionsSchema.shape;
  const command = program
    .command("train")
    .description("Train a zoo model (or your own CNN config) with TensorFlow.js and save it to <out>/models/<model>-<dataset>/");
  addFlags(command, shape, TRAIN_FLAGS, TRAIN_DEFAULTS)
    .option("--summary", "only build the model and print its Keras-style summary: no data is loaded, nothing trains")
    .option("--no-summary", "do not print the Keras-style model summary before training");
  addFlags(command, shape, TRAIN_FLAGS_AFTER_SUMMARY, TRAIN_DEFAULTS)
    .option("--quiet", "no progress output")
    .addHelpText("after", "\nModels:\n" + ZOO.map((e) => `  ${e.name.padEnd(18)} ${e.description} [${e.defaultDataset}]`).join("\n"))
    .action(async (f: Record<string, unknown>, cmd: Command) => {
      const options: TrainOptionsInput = {
        ...(flagOptions([...TRAIN_FLAGS, ...TRAIN_FLAGS_AFTER_SUMMARY], f, cmd) as Partial<TrainOptionsInput>),
        model: f.model as string,
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
