/**
 * The reports stage's one options object and its defaults, resolved once in
 * {@link resolveReportOptions}.
 */

/** Options of `writeReport`; every field optional. */
export interface ReportOptions {
  /** Output directory of report.html, report.md, plots/ and tables/. Default: the run directory. */
  outDir?: string;
  /** Extra trained model directories (train.json) for the training tables (e.g. a transfer-learning run kept elsewhere). Default none. */
  modelDirs?: string[];
  /** Render the PNG views inside the models (filters, feature maps, Grad-CAM) with tfjs. Default true. */
  modelImages?: boolean;
  /** Test images shown with Grad-CAM heat maps per model. Default 3. */
  gradCamImages?: number;
  /** Index of the test image whose feature maps are drawn. Default 0. */
  featureMapImage?: number;
  /** Test images of each model's predictions strip (true vs predicted, wrong ones framed red). Default 8. */
  predictionImages?: number;
  /** Confusion matrices from the run's saved predictions (or ONNX Runtime when absent). Default true. */
  confusion?: boolean;
  /** Test images used when predictions must be computed, images. Default 2000. */
  confusionLimit?: number;
  /** Mini-batch size N of the memory estimator's training column, images. Default 32. */
  trainingBatch?: number;
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

/** {@link ReportOptions} with every default applied. */
export type ResolvedReportOptions = Required<ReportOptions>;

/** Defaults of {@link ReportOptions} (outDir defaults to the run directory). */
export const REPORT_DEFAULTS = {
  modelDirs: [] as string[],
  modelImages: true,
  gradCamImages: 3,
  featureMapImage: 0,
  predictionImages: 8,
  confusion: true,
  confusionLimit: 2000,
  trainingBatch: 32,
} as const;

function count(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`Invalid ${name} ${String(value)}: expected an integer >= ${min}`);
  return value;
}

/** Applies the defaults once; throws naming the bad value. */
export function resolveReportOptions(runDir: string, o: ReportOptions = {}): ResolvedReportOptions {
  return {
    outDir: o.outDir ?? runDir,
    modelDirs: [...(o.modelDirs ?? REPORT_DEFAULTS.modelDirs)],
    modelImages: o.modelImages ?? REPORT_DEFAULTS.modelImages,
    gradCamImages: count("gradCamImages", o.gradCamImages ?? REPORT_DEFAULTS.gradCamImages, 0),
    featureMapImage: count("featureMapImage", o.featureMapImage ?? REPORT_DEFAULTS.featureMapImage, 0),
    predictionImages: count("predictionImages", o.predictionImages ?? REPORT_DEFAULTS.predictionImages, 0),
    confusion: o.confusion ?? REPORT_DEFAULTS.confusion,
    confusionLimit: count("confusionLimit", o.confusionLimit ?? REPORT_DEFAULTS.confusionLimit, 1),
    trainingBatch: count("trainingBatch", o.trainingBatch ?? REPORT_DEFAULTS.trainingBatch, 1),
    log: o.log ?? (() => {}),
  };
}
