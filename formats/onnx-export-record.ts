/**
 * `<stem>.export.json`: what `npm run export -- --onnx` (the export stage's `exportOnnxFile`)
 * wrote beside an ONNX model the harness did not train, and how it was calibrated. The
 * export stage writes it; pipeline/ reads its calibration source; its zod schema is the contract.
 */
import { z } from "zod";
import { PRECISIONS } from "./enums.ts";
import { TuningRecordSchema } from "./tuning-record.ts";

/** Schema of `<stem>.export.json`. */
export const OnnxExportRecordSchema = z.object({
  schemaVersion: z.literal(1),
  source: z.string(),
  input: z.object({ name: z.string(), layout: z.string(), fixedBatch: z.number().int().nullable() }),
  calibration: z.object({ source: z.string(), images: z.number().int(), labelled: z.boolean(), warning: z.string().nullable() }),
  precisions: z.array(
    z.object({
      precision: z.enum(PRECISIONS),
      file: z.string(),
      bytes: z.number().int(),
      opHistogram: z.record(z.string(), z.number().int()),
      quantization: z.object({
        quantized: z.array(z.object({ name: z.string(), opType: z.string() })),
        float: z.array(z.object({ name: z.string(), opType: z.string(), reason: z.string() })),
      }),
    }),
  ),
  tuning: TuningRecordSchema.nullable(),
  createdAt: z.string(),
});
/** Parsed `<stem>.export.json`. */
export type OnnxExportRecord = z.infer<typeof OnnxExportRecordSchema>;
