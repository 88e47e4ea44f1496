/**
 * Turns the user's model choice into ONNX files: zoo models are trained (ensureTrained)
 * and exported (exportModel) when their files are missing; `--onnx` files are taken as
 * they are. Imports the train and export stages lazily, so profiling plain ONNX files
 * never loads TensorFlow.js.
 */
import { availableParallelism, freemem } from "node:os";
import { join } from "node:path";
import type { Precision } from "../formats/options/profile-options.ts";

/** One ONNX file to profile, with the precision it was exported at. */
export interface SuiteFile {
  readonly path: string;
  readonly precision: Precision;
  /** Model name for the rows (foreign files and their quantized versions share it); default from the file. */
  readonly model?: string;
}

/**
 * Trains (if needed) and exports (if needed) each zoo model, returning its ONNX files:
 * `<out>/models/<model>-<dataset>/model.<precision>.onnx`.
 */
export async function prepareZooModels(options: {
  models: readonly string[];
  dataset: string;
  precisions: readonly Precision[];
  out: string;
  epochs?: number;
  dataDir?: string;
  progress: boolean;
  log: (line: string) => void;
  /** Batch the INT8 tuner times at (the largest profiled batch); default the exporter's. */
  tuneBatch?: number;
}): Promise<SuiteFile[]> {
  const train = await import("../train/index.ts");
  const exporter = await import("../export/index.ts");
  const files: SuiteFile[] = [];
  const trainInput = (model: string): Parameters<typeof train.ensureTrained>[0] => ({
    model,
    dataset: options.dataset as Parameters<typeof train.ensureTrained>[0]["dataset"],
    out: options.out,
    // Bars only on a terminal, a line per epoch otherwise: minutes of training never run silent.
    progress: true,
    summary: false,
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  });
  await trainMissingInParallel(train, options.models, trainInput, options.log);
  for (const model of options.models) {
    options.log(
      `preparing ${model} on ${options.dataset}: training if needed (${options.epochs ?? "default"} epoch(s); ` +
        `for the lab's full training run \`npm run train -- --model ${model} --dataset ${options.dataset}\` first), exporting ${options.precisions.join(", ")}`,
    );
    const { dir } = await train.ensureTrained(trainInput(model));
    const record = await exporter.exportModel({
      modelDir: dir,
      precisions: [...options.precisions],
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.tuneBatch !== undefined ? { tuneBatch: options.tuneBatch } : {}),
      onProgress: options.log,
    });
    // The recorded file: the tuned int8 is this machine's own (tuning/<machine id>/model.int8.onnx).
    for (const precision of options.precisions)
      files.push({ path: join(dir, record.precisions.find((p) => p.precision === precision)?.file ?? `model.${precision}.onnx`), precision });
  }
  return files;
}

/** Memory one training child may take (MNIST in float32 plus the model and tfjs), bytes. */
const TRAIN_CHILD_BYTES = 1.5 * 2 ** 30;

/**
 * Trains the models whose directories are missing side by side, one child each, when the
 * backend training would use keeps one core busy (wasm, cpu) and the machine has the cores
 * and memory; otherwise leaves them to the sequential loop. Exporting (its INT8 tuner times
 * the model) stays sequential, after all training is done.
 */
async function trainMissingInParallel(
  train: typeof import("../train/index.ts"),
  models: readonly string[],
  trainInput: (model: string) => Parameters<typeof train.ensureTrained>[0],
  log: (line: string) => void,
): Promise<void> {
  const missing: string[] = [];
  for (const model of models) if (!(await train.trainedAlready(trainInput(model)))) missing.push(model);
  if (missing.length < 2) return;
  const choice = await train.selectBackend("auto");
  const singleThreaded = train.TRAINING_BACKENDS.find((b) => b.name === choice.name)?.singleThreaded ?? false;
  const concurrency = Math.min(missing.length, availableParallelism(), Math.max(1, Math.floor(freemem() / TRAIN_CHILD_BYTES)));
  if (!singleThreaded || concurrency < 2) return;
  log(
    `training ${missing.join(", ")} side by side, ${concurrency} at a time (the ${choice.name} backend keeps one core busy per model; ${availableParallelism()} cores)`,
  );
  log(`backend: ${choice.name} (${choice.reason})`);
  for (const r of choice.rejected) log(`  not used: ${r.name}: ${r.reason}`);
  const done = await train.trainInParallel(
    missing.map((model) => ({ label: model, input: trainInput(model) })),
    {
      concurrency,
      log,
      quietLine: (line) => line.startsWith("backend: ") || line.startsWith("  not used: "),
    },
  );
  for (const d of done) log(`trained ${d.label}: test accuracy ${(d.testAccuracy * 100).toFixed(2)}%, ${d.dir}`);
}
