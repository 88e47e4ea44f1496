/** `npm run export -- --model-dir artifacts/models/lenet-mnist --precision fp32,int8`: flags → {@link exportModel}. */
import { Command } from "commander";
import { BACKEND_REQUESTS } from "../train/index.ts";
import {
  ACTIVATION_TYPES,
  CALIBRATION_METHODS,
  EXPORT_DEFAULTS,
  PRECISIONS,
  exportModel,
  type ExportOptions,
  type ExportRecord,
} from "../export/index.ts";
import { CALIBRATION_SOURCES, exportOnnxFile, type OnnxExportOptions } from "../export/index.ts";
import { choiceFlag, intFlag, listFlag, numberFlag } from "./parse-flags.ts";

/** Translates parsed flags into {@link ExportOptions} (exported for tests). */
export function exportOptionsFromFlags(f: Record<string, unknown>, onProgress?: (line: string) => void): ExportOptions {
  return {
    modelDir: f.modelDir as string,
    precisions: f.precision as ExportOptions["precisions"],
    calibrationMethod: f.calibrationMethod as ExportOptions["calibrationMethod"],
    calibrationSize: f.calibrationSize as number,
    percentile: f.percentile as number,
    activationType: f.activationType as ExportOptions["activationType"],
    minConvInputChannels: f.minConvInputChannels as number,
    tune: f.tune !== false,
    accuracyBudget: f.accuracyBudget as number,
    tuneBatch: f.tuneBatch as number,
    tuneMs: f.tuneMs as number,
    validationSize: f.validationSize as number,
    intraOpThreads: f.intraOpThreads as number,
    seed: f.seed as number,
    dataDir: f.dataDir as string | undefined,
    parityLimit: f.parityLimit as number | undefined,
    batchSize: f.batchSize as number,
    tfjsBackend: f.tfjsBackend as ExportOptions["tfjsBackend"],
    force: f.force === true,
    onProgress,
  };
}

/** Parses `0.485,0.456,0.406` into numbers; the error names the flag and the value. */
function numberList(flag: string, value: string): number[] {
  const xs = value.split(",").map((v) => Number(v.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) throw new Error(`Invalid ${flag} "${value}": expected comma-separated numbers, e.g. 0.485,0.456,0.406`);
  return xs;
}

/** Translates parsed flags into {@link OnnxExportOptions} for `export --onnx` (exported for tests). */
export function onnxExportOptionsFromFlags(f: Record<string, unknown>, onProgress?: (line: string) => void): OnnxExportOptions {
  const std = numberList("--std", String(f.std ?? "1"));
  if (std.some((x) => x === 0)) throw new Error(`Invalid --std "${String(f.std)}": a standard deviation of 0 divides by zero`);
  const requested = ((f.precision as string[] | undefined) ?? ["int8"]).filter((p) => p !== "fp32") as OnnxExportOptions["precisions"];
  return {
    onnx: f.onnx as string,
    precisions: requested,
    ...(typeof f.calibration === "string" ? { calibration: f.calibration } : {}),
    ...(typeof f.dataDir === "string" ? { dataDir: f.dataDir } : {}),
    ...(typeof f.outDir === "string" ? { outDir: f.outDir } : {}),
    normalisation: { mean: numberList("--mean", String(f.mean ?? "0")), std },
    calibrationSize: f.calibrationSize as number,
    validationSize: f.validationSize as number,
    tune: f.tune !== false,
    accuracyBudget: f.accuracyBudget as number,
    tuneBatch: f.tuneBatch as number,
    tuneMs: f.tuneMs as number,
    intraOpThreads: f.intraOpThreads as number,
    ...(onProgress ? { onProgress } : {}),
  };
}

/** Adds the `export` command to `program`. */
export function registerExport(program: Command): void {
  const d = EXPORT_DEFAULTS;
  program
    .command("export")
    .description("Export a trained tfjs model to ONNX (model.<precision>.onnx + export.json beside it), checked against tfjs on the test set")
    .option("--model-dir <dir>", "trained model directory (model.json, weights.bin, train.json), e.g. artifacts/models/lenet-mnist")
    .option("--onnx <file>", "instead of --model-dir: an FP32 ONNX file from any exporter; writes <stem>.<precision>.onnx and <stem>.export.json beside it (or in --out-dir)")
    .option("--calibration <source>", `with --onnx: calibration images: ${CALIBRATION_SOURCES.join(", ")} or an image folder (default: generated, with a warning: accuracy unknown)`)
    .option("--mean <list>", "with --onnx: per-channel mean subtracted from [0, 1] pixels, comma-separated", "0")
    .option("--std <list>", "with --onnx: per-channel std dividing [0, 1] pixels, comma-separated", "1")
    .option("--out-dir <dir>", "with --onnx: where to write (default: beside the file)")
    .option("--precision <list>", `precisions to write, comma-separated: ${PRECISIONS.join(", ")} (fp32 is always written)`, listFlag("precision", PRECISIONS), [...d.precisions])
    .option("--calibration-method <name>", `static INT8 calibration: ${CALIBRATION_METHODS.join(", ")}`, choiceFlag("calibration method", CALIBRATION_METHODS), d.calibrationMethod)
    .option("--calibration-size <n>", "training images in the seeded calibration sample", intFlag("calibration size"), d.calibrationSize)
    .option("--percentile <p>", "percentile method: share of |activation| kept in range, percent", numberFlag("percentile", 0, 100, true), d.percentile)
    .option("--activation-type <type>", `integer type of quantized activations: ${ACTIVATION_TYPES.join(", ")}`, choiceFlag("activation type", ACTIVATION_TYPES), d.activationType)
    .option("--no-tune", "int8: do not tune; quantize with --min-conv-input-channels alone (0: every node, like int8-all)")
    .option("--accuracy-budget <points>", "int8 tuner: largest accuracy drop below FP32 allowed, percentage points", numberFlag("accuracy budget", 0, 100), d.accuracyBudget)
    .option("--tune-batch <n>", "int8 tuner: images per timed run (the batch you will run at)", intFlag("tune batch"), d.tuneBatch)
    .option("--tune-ms <ms>", "int8 tuner: measuring time of the interleaved window (FP32 and every candidate together), ms", intFlag("tune time"), d.tuneMs)
    .option("--validation-size <n>", "int8 tuner: training images (disjoint from the calibration sample) checking each candidate's accuracy", intFlag("validation size"), d.validationSize)
    .option("--intra-op-threads <n>", "int8 tuner: ONNX Runtime intra-op threads of the timed sessions (0 = ORT's default)", intFlag("intra-op threads", 0), d.intraOpThreads)
    .option("--min-conv-input-channels <n>", "static INT8 with --no-tune: keep Convs with fewer input channels than N in float (0 = quantize every Conv)", intFlag("min conv input channels", 0), d.minConvInputChannels)
    .option("--seed <n>", "seed of the calibration sample", intFlag("seed", 0), d.seed)
    .option("--data-dir <dir>", "dataset folder (default: the one the model was trained with, else the dataset's default)")
    .option("--parity-limit <n>", "test images used for parity and accuracy (default: the full test set)", intFlag("parity limit"))
    .option("--batch-size <n>", "images per inference batch (tfjs and ONNX Runtime)", intFlag("batch size"), d.batchSize)
    .option("--tfjs-backend <name>", `tfjs backend of the reference outputs: ${BACKEND_REQUESTS.join(", ")}`, choiceFlag("tfjs backend", BACKEND_REQUESTS as readonly string[]), "auto")
    .option("--force", "re-export even when export.json is newer than weights.bin and made with the same options", false)
    .option("--quiet", "print only the summary line", false)
    .action(async (f: Record<string, unknown>) => {
      if (typeof f.onnx === "string") {
        await exportOnnxFile(onnxExportOptionsFromFlags(f, f.quiet ? undefined : (line) => console.log(line)));
        return;
      }
      if (typeof f.modelDir !== "string") throw new Error("export needs --model-dir <trained model dir> or --onnx <file.onnx>");
      const record = await exportModel(exportOptionsFromFlags(f, f.quiet ? undefined : (line) => console.log(line)));
      console.log(summaryLine(f.modelDir as string, record));
    });
}

/** One line: where the files are and how each precision did. */
export function summaryLine(dir: string, record: ExportRecord): string {
  const parts = record.precisions.map((p) => `${p.precision} ${(p.accuracy * 100).toFixed(2)} %`);
  return `${record.model} on ${record.dataset}: ${parts.join(", ")} (accuracy on ${record.evaluation.count} test images) -> ${dir}`;
}
