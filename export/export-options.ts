/** The export stage's one options object, its defaults (resolved once) and their validation. */
import { isAbsolute, resolve } from "node:path";
import { ACTIVATION_TYPES, CALIBRATION_METHODS, PRECISIONS, type Precision } from "../formats/enums.ts";
import { parseBackendRequest, type BackendRequest } from "../train/index.ts";

export { ACTIVATION_TYPES, CALIBRATION_METHODS, PRECISIONS, type Precision };

/** Options of `exportModel`; only `modelDir` is required. */
export interface ExportOptions {
  /** Trained model directory (model.json, weights.bin, train.json); the exports are written beside them. */
  modelDir: string;
  /** Precisions to write. Default ["fp32", "int8"]. FP32 is always written: it is the others' source and reference. */
  precisions?: readonly Precision[];
  /** Static INT8 calibration method. Default "minmax". */
  calibrationMethod?: (typeof CALIBRATION_METHODS)[number];
  /** Training images used to calibrate static INT8 (a seeded random sample). Default 300 images. */
  calibrationSize?: number;
  /** Percentile of |activation| kept by the "percentile" method, in percent (0, 100]. Default 99.99 %. */
  percentile?: number;
  /** Integer type of quantized activations. Default "uint8". */
  activationType?: (typeof ACTIVATION_TYPES)[number];
  /**
   * Static INT8: Convs with fewer input channels than this stay float. Default 0 (every Conv
   * quantized). 4 keeps the 1-channel image-input Conv of the MNIST models float, where ORT's
   * int8 kernel is slower than its fp32 one (see `npm run bench -- quant`).
   */
  minConvInputChannels?: number;
  /**
   * Tune `int8`: time candidate node sets against FP32 on this machine's CPU EP and keep the
   * fastest within `accuracyBudget`. Default true. False: `int8` is quantized with
   * `minConvInputChannels` alone (0: the same as `int8-all`).
   */
  tune?: boolean;
  /** Tuner: largest accuracy drop below FP32 allowed, percentage points. Default 0.3 points. */
  accuracyBudget?: number;
  /** Tuner: images per timed run. Default 32 (the profiler's largest default batch). */
  tuneBatch?: number;
  /** Tuner: measuring time of the interleaved window (FP32 and every candidate), ms. Default 3000 ms. */
  tuneMs?: number;
  /** Tuner: training images (disjoint from the calibration sample) that check accuracy. Default 2000 images. */
  validationSize?: number;
  /** Tuner: ORT intra-op threads of the timed sessions (0 = ORT's default, one per core). Default 0. */
  intraOpThreads?: number;
  /** Seed of the calibration sample. Default 1. */
  seed?: number;
  /** Dataset folder (for datasets that need one). Default: the dataDir the model was trained with, else the dataset's default. */
  dataDir?: string;
  /** Test images used for parity and accuracy (the first ones). Default: the full test set. */
  parityLimit?: number;
  /** Images per inference batch, tfjs and ORT alike. Default 256 images. */
  batchSize?: number;
  /** tfjs backend computing the reference outputs: "auto" (the fastest that loads) or a name. Default "auto". */
  tfjsBackend?: BackendRequest;
  /** Re-export even when export.json is fresh. Default false. */
  force?: boolean;
  /** Receives one human-readable line per step (e.g. one per precision). Default: silent. */
  onProgress?: (line: string) => void;
}

/** {@link ExportOptions} with every default filled in. */
export interface ResolvedExportOptions {
  modelDir: string;
  precisions: Precision[];
  calibrationMethod: (typeof CALIBRATION_METHODS)[number];
  calibrationSize: number;
  percentile: number;
  activationType: (typeof ACTIVATION_TYPES)[number];
  minConvInputChannels: number;
  tune: boolean;
  accuracyBudget: number;
  tuneBatch: number;
  tuneMs: number;
  validationSize: number;
  intraOpThreads: number;
  seed: number;
  dataDir: string | undefined;
  parityLimit: number | undefined;
  batchSize: number;
  tfjsBackend: BackendRequest;
  force: boolean;
  onProgress: (line: string) => void;
}

/** The defaults, in one place. */
export const EXPORT_DEFAULTS = {
  precisions: ["fp32", "int8"] as Precision[],
  calibrationMethod: "minmax",
  calibrationSize: 300,
  percentile: 99.99,
  activationType: "uint8",
  minConvInputChannels: 0,
  tune: true,
  accuracyBudget: 0.3,
  tuneBatch: 32,
  tuneMs: 3000,
  validationSize: 2000,
  intraOpThreads: 0,
  seed: 1,
  batchSize: 256,
} as const;

/** Checks `value` is one of `valid`: `Unknown precision "int4". Expected one of: fp32, int8, int8-dynamic, fp16`. */
export function checkChoice<T extends string>(what: string, value: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(value)) throw new Error(`Unknown ${what} "${value}". Expected one of: ${valid.join(", ")}`);
  return value as T;
}

function checkInteger(what: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`Invalid ${what} ${value}: expected a whole number ≥ ${min}`);
  return value;
}

function checkNonNegative(what: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new Error(`Invalid ${what} ${value}: expected a number ≥ 0`);
  return value;
}

/** Fills defaults and validates; errors name the bad value and the valid ones. */
export function resolveExportOptions(options: ExportOptions): ResolvedExportOptions {
  if (!options.modelDir) throw new Error("exportModel needs modelDir (the trained model's directory).");
  const requested = (options.precisions ?? EXPORT_DEFAULTS.precisions).map((p) => checkChoice("precision", p, PRECISIONS));
  const precisions = PRECISIONS.filter((p) => p === "fp32" || requested.includes(p));
  const percentile = options.percentile ?? EXPORT_DEFAULTS.percentile;
  if (!(percentile > 0 && percentile <= 100)) throw new Error(`Invalid percentile ${percentile}: expected a number in (0, 100]`);
  return {
    modelDir: isAbsolute(options.modelDir) ? options.modelDir : resolve(options.modelDir),
    precisions,
    calibrationMethod: checkChoice("calibration method", options.calibrationMethod ?? EXPORT_DEFAULTS.calibrationMethod, CALIBRATION_METHODS),
    calibrationSize: checkInteger("calibration size", options.calibrationSize ?? EXPORT_DEFAULTS.calibrationSize, 1),
    percentile,
    activationType: checkChoice("activation type", options.activationType ?? EXPORT_DEFAULTS.activationType, ACTIVATION_TYPES),
    minConvInputChannels: checkInteger("min conv input channels", options.minConvInputChannels ?? EXPORT_DEFAULTS.minConvInputChannels, 0),
    tune: options.tune ?? EXPORT_DEFAULTS.tune,
    accuracyBudget: checkNonNegative("accuracy budget", options.accuracyBudget ?? EXPORT_DEFAULTS.accuracyBudget),
    tuneBatch: checkInteger("tune batch", options.tuneBatch ?? EXPORT_DEFAULTS.tuneBatch, 1),
    tuneMs: checkInteger("tune time (ms)", options.tuneMs ?? EXPORT_DEFAULTS.tuneMs, 1),
    validationSize: checkInteger("validation size", options.validationSize ?? EXPORT_DEFAULTS.validationSize, 1),
    intraOpThreads: checkInteger("intra-op threads", options.intraOpThreads ?? EXPORT_DEFAULTS.intraOpThreads, 0),
    seed: checkInteger("seed", options.seed ?? EXPORT_DEFAULTS.seed, 0),
    dataDir: options.dataDir,
    parityLimit: options.parityLimit === undefined ? undefined : checkInteger("parity limit", options.parityLimit, 1),
    batchSize: checkInteger("batch size", options.batchSize ?? EXPORT_DEFAULTS.batchSize, 1),
    tfjsBackend: parseBackendRequest(options.tfjsBackend ?? "auto"),
    force: options.force ?? false,
    onProgress: options.onProgress ?? (() => {}),
  };
}
