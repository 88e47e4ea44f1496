/**
 * Turns the user's model choice into ONNX files: zoo models are trained (ensureTrained)
 * and exported (exportModel) when their files are missing; `--onnx` files are taken as
 * they are. Imports the train and export stages lazily, so profiling plain ONNX files
 * never loads TensorFlow.js.
 */
import { join } from "node:path";
import type { Precision } from "./profile-options.ts";

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
  for (const model of options.models) {
    options.log(`preparing ${model} on ${options.dataset}: training if needed (${options.epochs ?? "default"} epoch(s); ` +
      `for the lab's full training run \`npm run train -- --model ${model} --dataset ${options.dataset}\` first), exporting ${options.precisions.join(", ")}`);
    const { dir } = await train.ensureTrained({
      model,
      dataset: options.dataset as Parameters<typeof train.ensureTrained>[0]["dataset"],
      out: options.out,
      // Bars only on a terminal, a line per epoch otherwise: minutes of training never run silent.
      progress: true,
      summary: false,
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    });
    await exporter.exportModel({ modelDir: dir, precisions: [...options.precisions], ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}), ...(options.tuneBatch !== undefined ? { tuneBatch: options.tuneBatch } : {}), onProgress: options.log });
    for (const precision of options.precisions) files.push({ path: join(dir, `model.${precision}.onnx`), precision });
  }
  return files;
}
