/**
 * `export.json`: what the export stage wrote and measured, beside the tfjs model. profile/
 * and reports/ read it; its zod schema is the contract.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ExportRecordOptionsSchema } from "./options/export-options.ts";
import { PRECISIONS } from "./enums.ts";
import { TuningRecordSchema } from "./tuning-record.ts";

/** Schema version of `export.json`; bump on any incompatible change. */
export const EXPORT_RECORD_VERSION = 1;
/** File name of the record inside the model directory. */
export const EXPORT_RECORD_FILE = "export.json";

/** File name of one precision's export: `model.<precision>.onnx`. */
export function onnxFileName(precision: (typeof PRECISIONS)[number]): string {
  return `model.${precision}.onnx`;
}

const NodeRef = z.object({ name: z.string(), opType: z.string() });

/** Agreement with the reference outputs on the evaluation images. */
export const ParitySchema = z.object({
  /** What was compared against: tfjs (for FP32) or the FP32 ONNX model (for the others). */
  reference: z.enum(["tfjs", "fp32"]),
  count: z.number().int(),
  /** Max |Δ| of the outputs (softmax probabilities). */
  maxAbsDiff: z.number(),
  agreeing: z.number().int(),
  /** Fraction of images with the same top-1 class, 0..1. */
  top1Agreement: z.number(),
  /** Limits enforced (FP32 only); null when the figures are recorded but not enforced. */
  thresholds: z.object({ maxAbsDiff: z.number(), top1Agreement: z.number() }).nullable(),
});

/** One written precision. */
export const PrecisionRecordSchema = z.object({
  precision: z.enum(PRECISIONS),
  /** File name, relative to the model directory. */
  file: z.string(),
  /** File size, bytes. */
  bytes: z.number().int(),
  /** Op type → count in the graph as ORT's CPU EP optimizes it (fusions applied). */
  opHistogram: z.record(z.string(), z.number().int()),
  /** Quantizer report; null for FP32. */
  quantization: z.object({ quantized: z.array(NodeRef), float: z.array(NodeRef.extend({ reason: z.string() })) }).nullable(),
  parity: ParitySchema,
  /** Top-1 accuracy on the evaluation images, fraction 0..1. */
  accuracy: z.number(),
  /** Wall time to produce and check this file, seconds. */
  seconds: z.number(),
});

/** Zod schema of `export.json`. */
export const ExportRecordSchema = z.object({
  schemaVersion: z.literal(EXPORT_RECORD_VERSION),
  /** Zoo model name (from train.json). */
  model: z.string(),
  dataset: z.string(),
  /** The options that shaped the files (freshness compares them). */
  options: ExportRecordOptionsSchema,
  converter: z.object({
    opset: z.number().int(),
    irVersion: z.number().int(),
    inputName: z.string(),
    /** Input dims in ONNX order, batch as "batch". */
    inputShape: z.array(z.union([z.number(), z.string()])),
    outputName: z.string(),
    outputShape: z.array(z.union([z.number(), z.string()])),
    layers: z.array(z.object({ name: z.string(), className: z.string(), onnxOps: z.array(z.string()) })),
    foldedBatchNorms: z.array(z.object({ batchNorm: z.string(), into: z.string() })),
    removedLayers: z.array(z.string()),
  }),
  evaluation: z.object({
    split: z.literal("test"),
    /** Test images used for parity and accuracy. */
    count: z.number().int(),
    /** tfjs backend that produced the reference outputs. */
    tfjsBackend: z.string(),
    /** tfjs top-1 accuracy on the same images, fraction 0..1. */
    tfjsAccuracy: z.number(),
  }),
  /** Calibration sample actually used (training images), when static INT8 was written. */
  calibration: z.object({ images: z.number().int(), batches: z.number().int() }).nullable(),
  precisions: z.array(PrecisionRecordSchema),
  /** How `int8` was tuned on this machine; null when it was not (no `int8`, or tuning off). */
  tuning: TuningRecordSchema.nullable().default(null),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

/** Parsed `export.json`. */
export type ExportRecord = z.infer<typeof ExportRecordSchema>;
/** One precision's entry of {@link ExportRecord}. */
export type PrecisionRecord = z.infer<typeof PrecisionRecordSchema>;

/** Validates parsed JSON as an {@link ExportRecord}; the error names `label` and the first bad key. */
export function parseExportRecord(raw: unknown, label: string): ExportRecord {
  const parsed = ExportRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid "${label}": ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Reads and validates `export.json` in `dir`; errors name the file and the bad key. */
export async function readExportRecord(dir: string): Promise<ExportRecord> {
  const path = join(dir, EXPORT_RECORD_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`Cannot read "${path}": ${(e as Error).message}. Export the model first: npm run export -- --model-dir ${dir}`);
  }
  return parseExportRecord(raw, path);
}

/** Writes `export.json` into `dir`. */
export async function writeExportRecord(dir: string, record: ExportRecord): Promise<void> {
  await writeFile(join(dir, EXPORT_RECORD_FILE), JSON.stringify(record, null, 2) + "\n");
}

/** Folder, relative to the model directory, of one machine's tuned INT8 (`tuning/<machine id>/`). */
export function machineTuningDir(machineId: string): string {
  return `tuning/${machineId}`;
}

/** File name of a machine's tuning record inside {@link machineTuningDir}. */
export const MACHINE_TUNING_FILE = "tuning.json";

/** `tuning/<id>/tuning.json`: one machine's tuned `int8`, kept beside every other machine's. */
export const MachineTuningSchema = z.object({
  schemaVersion: z.literal(1),
  /** The export options the tuned file depends on, as export.json records them. */
  options: ExportRecordOptionsSchema,
  /** The tuned file's entry (`file` relative to the model directory: `tuning/<id>/model.int8.onnx`). */
  precision: PrecisionRecordSchema,
  tuning: TuningRecordSchema,
  createdAt: z.string(),
});

/** Parsed `tuning/<id>/tuning.json`. */
export type MachineTuning = z.infer<typeof MachineTuningSchema>;
