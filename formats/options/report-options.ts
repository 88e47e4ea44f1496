/**
 * The reports stage's options, declared once as {@link ReportOptionsSchema}: the `report`
 * command's flags (`cli/report-command.ts`), the options types and their defaults,
 * resolved once in {@link resolveReportOptions}.
 */
import { z } from "zod";
import { int, parseOptions, paths } from "./option-schema.ts";
import { visibleControls } from "../terminal-text.ts";

/** Options of `writeReport`; every field optional. A field's text is its `--help` line (a `--no-` flag's for booleans). */
export const ReportOptionsSchema = z.object({
  /** Output directory of report.html, report.md, plots/ and tables/. Default: the run directory. */
  outDir: z.string().optional().describe("output directory (default: the run directory; for --compare, the first run's directory; for --lab, the lab folder)"),
  /** Extra trained model directories (train.json) for the training tables (e.g. a transfer-learning run kept elsewhere). */
  modelDirs: paths().default([]).describe("extra trained model directories (train.json) for the training tables, e.g. a transfer-learning MobileNetV2"),
  /** Render the PNG views inside the models (filters, feature maps, Grad-CAM) with tfjs. */
  modelImages: z.boolean().default(true).describe("skip the PNG views inside the models (filters, feature maps, Grad-CAM)"),
  /** Test images shown with Grad-CAM heat maps per model. */
  gradCamImages: int("gradCamImages", 0).default(3),
  /** Index of the test image whose feature maps are drawn. */
  featureMapImage: int("featureMapImage", 0).default(0),
  /** Test images of each model's predictions strip (true vs predicted, wrong ones framed red). */
  predictionImages: int("predictionImages", 0).default(8),
  /** Confusion matrices from the run's saved predictions (or ONNX Runtime when absent). */
  confusion: z.boolean().default(true).describe("skip the confusion matrices"),
  /** Test images used when predictions must be computed, images. */
  confusionLimit: int("confusionLimit").default(2000),
  /** Mini-batch size N of the memory estimator's training column, images. */
  trainingBatch: int("training batch").default(32).describe("mini-batch size N of the memory estimator's training figure"),
});

/** Progress lines; default none. */
type Log = { log?: (line: string) => void };

/** Options of `writeReport`; every field optional. */
export type ReportOptions = z.input<typeof ReportOptionsSchema> & Log;

/** {@link ReportOptions} with every default applied. */
export type ResolvedReportOptions = z.output<typeof ReportOptionsSchema> & { outDir: string; log: (line: string) => void };

/** Defaults of {@link ReportOptions} (outDir defaults to the run directory): {@link ReportOptionsSchema}'s. */
export const REPORT_DEFAULTS = ReportOptionsSchema.parse({});

/** Applies the defaults once; throws naming the bad value. */
export function resolveReportOptions(runDir: string, input: ReportOptions = {}): ResolvedReportOptions {
  const { log, ...rest } = input;
  const o = parseOptions(ReportOptionsSchema, rest);
  return { ...o, outDir: o.outDir ?? runDir, log: log ? (line) => log(visibleControls(line)) : () => {} };
}
