/**
 * Turns the user's model choice into ONNX files: zoo models are trained (ensureTrained)
 * and exported (exportModel) when their files are missing; `--onnx` files are taken as
 * they are. Imports the train and export stages lazily, so profiling plain ONNX files
 * never loads TensorFlow.js.
 */
import { availableParallelism, freemem } from "node:os";
import { join } from "node:path";
import type { Precision } from "../formats/options/profile-options.ts";
import { didYouMean } from "../formats/did-you-mean.ts";
import type { SuiteFile } from "../profile/index.ts";

/**
 * Checks `--models` against the zoo before any work; the error lists the valid names and the
 * profile flag for a model of one's own.
 */
export async function checkZooModels(models: readonly string[]): Promise<void> {
  const { MODEL_NAMES } = await import("../train/index.ts");
  const unknown = models.filter((m) => !MODEL_NAMES.includes(m));
  if (unknown.length === 0) return;
  throw new Error(
    `Unknown model${unknown.length > 1 ? "s" : ""} ${unknown.map((m) => `"${m}"`).join(", ")}. Expected one of: ${MODEL_NAMES.join(", ")}` +
      `${didYouMean(unknown, MODEL_NAMES)} (or --onnx <file.onnx> to profile a model of your own)`,
  );
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

/**
 * Trains the models whose directories are missing side by side, one child each, where the
 * backend `auto` chose keeps one core busy (wasm, cpu) and the machine has the cores and
 * memory (train's `trainingConcurrency`; a GPU backend is one device: one after another);
 * otherwise leaves them to the sequential loop. Exporting (its INT8 tuner times the model)
 * stays sequential, after all training is done.
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
  const backend = train.TRAINING_BACKENDS.find((b) => b.name === choice.name);
  const plan = backend ? train.trainingConcurrency(backend, missing.length, availableParallelism(), freemem()) : { concurrency: 1, why: "" };
  if (plan.concurrency < 2) return;
  log(`training ${missing.join(", ")} side by side, ${plan.concurrency} at a time (${plan.why})`);
  log(train.backendLine(choice));
  for (const r of choice.rejected) log(`  not used: ${r.name}: ${r.reason}`);
  const done = await train.trainInParallel(
    missing.map((model) => ({ label: model, input: trainInput(model) })),
    {
      concurrency: plan.concurrency,
      log,
      quietLine: (line) => line.startsWith("backend: ") || line.startsWith("  not used: "),
      autoChoice: choice,
    },
  );
  for (const d of done) log(`trained ${d.label}: test accuracy ${(d.testAccuracy * 100).toFixed(2)}%, ${d.dir}`);
}
