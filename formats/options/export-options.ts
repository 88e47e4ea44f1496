/**
 * The export stage's options, declared once as {@link ExportOptionsSchema}: the `export`
 * command's flags (`cli/export-command.ts`), the options type, their defaults and
 * validation, and the options recorded in export.json ({@link ExportRecordOptionsSchema})
 * all derive from it.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { ACTIVATION_TYPES, BACKEND_NAMES, CALIBRATION_METHODS, PRECISIONS, type Precision } from "../enums.ts";
import { choice, int, list, num, parseOptions } from "./option-schema.ts";

export { ACTIVATION_TYPES, CALIBRATION_METHODS, PRECISIONS, type Precision };

/** Options of `exportModel`; only `modelDir` is required. Each field's text is its `--help` line. */
export const ExportOptionsSchema = z.object({
  /** Trained model directory (model.json, weights.bin, train.json); the exports are written beside them. */
  modelDir: z.string().describe("trained model directory (model.json, weights.bin, train.json), e.g. artifacts/models/lenet-mnist"),
  /** Precisions to write. FP32 is always written: it is the others' source and reference. */
  precisions: list("precision", PRECISIONS)
    .readonly()
    .default(["fp32", "int8"])
    .describe(`precisions to write, comma-separated: ${PRECISIONS.join(", ")} (fp32 is always written)`),
  /** Static INT8 calibration method. */
  calibrationMethod: choice("calibration method", CALIBRATION_METHODS)
    .default("minmax")
    .describe(`static INT8 calibration: ${CALIBRATION_METHODS.join(", ")}`),
  /** Training images used to calibrate static INT8 (a seeded random sample). */
  calibrationSize: int("calibration size").default(300).describe("training images in the seeded calibration sample"),
  /** Percentile of |activation| kept by the "percentile" method, in percent. */
  percentile: num("percentile", 0, 100, { exclusiveMin: true }).default(99.99).describe("percentile method: share of |activation| kept in range, percent"),
  /** Integer type of quantized activations. */
  activationType: choice("activation type", ACTIVATION_TYPES)
    .default("uint8")
    .describe(`integer type of quantized activations: ${ACTIVATION_TYPES.join(", ")}`),
  /**
   * Static INT8: Convs with fewer input channels than this stay float (0: every Conv
   * quantized). 4 keeps the 1-channel image-input Conv of the MNIST models float, where ORT's
   * int8 kernel is slower than its fp32 one (see `npm run bench -- quant`).
   */
  minConvInputChannels: int("min conv input channels", 0)
    .default(0)
    .describe("static INT8 with --no-tune: keep Convs with fewer input channels than N in float (0 = quantize every Conv)"),
  /**
   * Tune `int8`: time candidate node sets against FP32 on this machine's CPU EP and keep the
   * fastest within `accuracyBudget`. False: `int8` is quantized with `minConvInputChannels`
   * alone (0: the same as `int8-all`).
   */
  tune: z.boolean().default(true).describe("int8: do not tune; quantize with --min-conv-input-channels alone (0: every node, like int8-all)"),
  /** Tuner: largest accuracy drop below FP32 allowed, percentage points. */
  accuracyBudget: num("accuracy budget", 0, 100).default(0.3).describe("int8 tuner: largest accuracy drop below FP32 allowed, percentage points"),
  /** Tuner: images per timed run (the profiler's largest default batch). */
  tuneBatch: int("tune batch").default(32).describe("int8 tuner: images per timed run (the batch you will run at)"),
  /** Tuner: measuring time of the interleaved window (FP32 and every candidate), ms. */
  tuneMs: int("tune time").default(3000).describe("int8 tuner: measuring time of the interleaved window (FP32 and every candidate together), ms"),
  /** Tuner: training images (disjoint from the calibration sample) that check accuracy. */
  validationSize: int("validation size")
    .default(2000)
    .describe("int8 tuner: training images (disjoint from the calibration sample) checking each candidate's accuracy"),
  /** Tuner: ORT intra-op threads of the timed sessions (0 = ORT's default, one per core). */
  intraOpThreads: int("intra-op threads", 0).default(0).describe("int8 tuner: ONNX Runtime intra-op threads of the timed sessions (0 = ORT's default)"),
  /** Seed of the calibration sample. */
  seed: int("seed", 0).default(1).describe("seed of the calibration sample"),
  /** Dataset folder (for datasets that need one). Default: the dataDir the model was trained with, else the dataset's default. */
  dataDir: z.string().optional().describe("dataset folder (default: the one the model was trained with, else the dataset's default)"),
  /** Test images used for parity and accuracy (the first ones). Default: the full test set. */
  parityLimit: int("parity limit").optional().describe("test images used for parity and accuracy (default: the full test set)"),
  /** Images per inference batch, tfjs and ORT alike. */
  batchSize: int("batch size").default(256).describe("images per inference batch (tfjs and ONNX Runtime)"),
  /** tfjs backend computing the reference outputs: "auto" (the fastest that loads) or a name. */
  tfjsBackend: choice("tfjs backend", ["auto", ...BACKEND_NAMES])
    .default("auto")
    .describe(`tfjs backend of the reference outputs: ${["auto", ...BACKEND_NAMES].join(", ")}`),
  /** Re-export even when export.json is fresh. */
  force: z.boolean().default(false).describe("re-export even when export.json is newer than weights.bin and made with the same options"),
});

/** Receives one human-readable line per step (e.g. one per precision). Default: silent. */
type Progress = { onProgress?: (line: string) => void };

/** Options of `exportModel` as a caller gives them; only `modelDir` is required. */
export type ExportOptions = z.input<typeof ExportOptionsSchema> & Progress;

/** {@link ExportOptions} with every default filled in. */
export type ResolvedExportOptions = z.output<typeof ExportOptionsSchema> & { precisions: Precision[]; onProgress: (line: string) => void };

/** The options export.json records (freshness compares them); records written before a field existed get the default it had then. */
export const ExportRecordOptionsSchema = z.object({
  // Keys in the order export.json has always had them: freshness compares the records as JSON.
  precisions: z.array(z.enum(PRECISIONS)),
  calibrationMethod: ExportOptionsSchema.shape.calibrationMethod,
  calibrationSize: ExportOptionsSchema.shape.calibrationSize,
  percentile: ExportOptionsSchema.shape.percentile,
  activationType: ExportOptionsSchema.shape.activationType,
  minConvInputChannels: ExportOptionsSchema.shape.minConvInputChannels,
  /** Records written before the tuner existed were not tuned. */
  tune: z.boolean().default(false),
  accuracyBudget: ExportOptionsSchema.shape.accuracyBudget,
  tuneBatch: ExportOptionsSchema.shape.tuneBatch,
  tuneMs: ExportOptionsSchema.shape.tuneMs,
  validationSize: ExportOptionsSchema.shape.validationSize,
  intraOpThreads: ExportOptionsSchema.shape.intraOpThreads,
  seed: ExportOptionsSchema.shape.seed,
  parityLimit: z.number().int().nullable(),
});

/** The defaults, in one place: {@link ExportOptionsSchema}'s. */
export const EXPORT_DEFAULTS = ExportOptionsSchema.omit({ modelDir: true }).parse({});

/** Checks `value` is one of `valid`: `Unknown precision "int4". Expected one of: fp32, int8, int8-dynamic, fp16`. */
export function checkChoice<T extends string>(what: string, value: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(value)) throw new Error(`Unknown ${what} "${value}". Expected one of: ${valid.join(", ")}`);
  return value as T;
}

/** Fills defaults and validates; errors name the bad value and the valid ones. */
export function resolveExportOptions(options: ExportOptions): ResolvedExportOptions {
  if (!options.modelDir) throw new Error("exportModel needs modelDir (the trained model's directory).");
  const { onProgress, ...rest } = options;
  const o = parseOptions(ExportOptionsSchema, rest);
  return {
    ...o,
    modelDir: isAbsolute(o.modelDir) ? o.modelDir : resolve(o.modelDir),
    precisions: PRECISIONS.filter((p) => p === "fp32" || o.precisions.includes(p)),
    dataDir: o.dataDir,
    parityLimit: o.parityLimit,
    onProgress: onProgress ?? (() => {}),
  };
}
