/** `npm run export -- --model-dir artifacts/models/lenet-mnist --precision fp32,int8`: flags → {@link exportModel}. */
import { Command } from "commander";
import {
  CALIBRATION_SOURCES,
  ExportOptionsSchema,
  exportModel,
  exportOnnxFile,
  type ExportOptions,
  type ExportRecord,
  type OnnxExportOptions,
} from "../export/index.ts";
import { addFlags, flagOptions, type Flag } from "./parse-flags.ts";
import { visibleControls } from "../formats/terminal-text.ts";

/** The `export` flags of {@link ExportOptionsSchema}'s fields, in `--help` order (the `--onnx` ones go after `--model-dir`). */
/** Help of a flag that applies to `--model-dir` exports only (an `--onnx` export has no tfjs model to compare with). */
function modelDirOnly(key: keyof typeof ExportOptionsSchema.shape): string {
  return `with --model-dir only: ${ExportOptionsSchema.shape[key].description ?? key}`;
}

const EXPORT_FLAGS: readonly Flag[] = [
  { flags: "--precision <list>", key: "precisions", showDefault: "fp32,int8" },
  { flags: "--calibration-method <name>", showDefault: true },
  { flags: "--calibration-size <n>", showDefault: true },
  { flags: "--percentile <p>", showDefault: true },
  { flags: "--activation-type <type>", showDefault: true },
  { flags: "--no-tune", key: "tune" },
  { flags: "--accuracy-budget <points>", showDefault: true },
  { flags: "--tune-batch <n>", showDefault: true },
  { flags: "--tune-ms <ms>", showDefault: true },
  { flags: "--validation-size <n>", showDefault: true },
  { flags: "--intra-op-threads <n>", showDefault: true },
  { flags: "--min-conv-input-channels <n>", showDefault: true },
  { flags: "--seed <n>", showDefault: true },
  { flags: "--data-dir <dir>" },
  { flags: "--parity-limit <n>", help: modelDirOnly("parityLimit") },
  { flags: "--batch-size <n>", showDefault: true, help: modelDirOnly("batchSize") },
  { flags: "--tfjs-backend <name>", showDefault: true, help: modelDirOnly("tfjsBackend") },
  { flags: "--force" },
];
const MODEL_DIR_FLAG: readonly Flag[] = [{ flags: "--model-dir <dir>" }];

/** Translates parsed flags into {@link ExportOptions} (exported for tests). */
export function exportOptionsFromFlags(f: Record<string, unknown>, onProgress?: (line: string) => void): ExportOptions {
  return { ...flagOptions([...MODEL_DIR_FLAG, ...EXPORT_FLAGS], f), modelDir: f.modelDir as string, ...(onProgress ? { onProgress } : {}) };
}

/** Parses `0.485,0.456,0.406` into numbers; the error names the flag and the value. */
function numberList(flag: string, value: string): number[] {
  const xs = value.split(",").map((v) => Number(v.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x)))
    throw new Error(`Invalid ${flag} "${value}": expected comma-separated numbers, e.g. 0.485,0.456,0.406`);
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
  const command = program
    .command("export")
    .description("Export a trained tfjs model to ONNX (model.<precision>.onnx + export.json beside it), checked against tfjs on the test set");
  addFlags(command, ExportOptionsSchema.shape, MODEL_DIR_FLAG)
    .option(
      "--onnx <file>",
      "instead of --model-dir: an FP32 ONNX file from any exporter; writes <stem>.<precision>.onnx and <stem>.export.json beside it (or in --out-dir)",
    )
    .option(
      "--calibration <source>",
      `with --onnx: calibration images: ${CALIBRATION_SOURCES.join(", ")} or an image folder (default: generated, with a warning: accuracy unknown)`,
    )
    .option("--mean <list>", "with --onnx: per-channel mean subtracted from [0, 1] pixels, comma-separated", "0")
    .option("--std <list>", "with --onnx: per-channel std dividing [0, 1] pixels, comma-separated", "1")
    .option("--out-dir <dir>", "with --onnx: where to write (default: beside the file)");
  addFlags(command, ExportOptionsSchema.shape, EXPORT_FLAGS)
    .option("--quiet", "print only the summary line")
    .addHelpText(
      "after",
      [
        "",
        "Exit status: 0 when every requested precision was written; 1 on bad options, a failed parity check or a quantizer error.",
        "",
        "Examples:",
        "  npm run export -- --model-dir artifacts/models/lenet-mnist",
        "  npm run export -- --model-dir artifacts/models/lenet-mnist --precision fp32,int8,int8-all,fp16 --calibration-method percentile",
        "  npm run export -- --onnx resnet.onnx --calibration folder/of/images --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225",
      ].join("\n"),
    )
    .action(async (f: Record<string, unknown>) => {
      if (typeof f.onnx === "string") {
        await exportOnnxFile(onnxExportOptionsFromFlags(f, f.quiet ? undefined : (line) => console.log(visibleControls(line))));
        return;
      }
      if (typeof f.modelDir !== "string") throw new Error("export needs --model-dir <trained model dir> or --onnx <file.onnx>");
      const record = await exportModel(exportOptionsFromFlags(f, f.quiet ? undefined : (line) => console.log(visibleControls(line))));
      console.log(visibleControls(summaryLine(f.modelDir as string, record)));
    });
}

/** One line: where the files are and how each precision did. */
export function summaryLine(dir: string, record: ExportRecord): string {
  const parts = record.precisions.map((p) => `${p.precision} ${(p.accuracy * 100).toFixed(2)} %`);
  return `${record.model} on ${record.dataset}: ${parts.join(", ")} (accuracy on ${record.evaluation.count} test images) -> ${dir}`;
}
