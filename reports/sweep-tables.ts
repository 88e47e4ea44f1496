/**
 * The labs' sweeps: the architecture sweep (shallow, deep, wide, tiny CNN beside the basic
 * CNN) and the filter-size sweep (2×2, 5×5, mixed 3×3/5×5). A table lists the models the
 * run has and names the missing ones with the command that trains and profiles them.
 */
import { modelSummaries, type ModelSummary } from "./model-summaries.ts";
import type { ReportData } from "./load-run.ts";
import type { Cell, Column, ReportTable } from "./report-table.ts";

/** Models of the architecture sweep, with what each varies. */
export const ARCHITECTURE_SWEEP: Readonly<Record<string, string>> = {
  "basic-cnn": "reference: 32, 64 filters; Dense 128",
  "shallow-cnn": "16, 32 filters; Dense 64",
  "deep-cnn": "3 conv blocks: 32, 64, 128 filters",
  "wide-cnn": "64, 128 filters; Dense 256",
  "tiny-cnn": "8, 16 filters; Dense 32",
};

/** Models of the filter-size sweep. */
export const FILTER_SWEEP: Readonly<Record<string, string>> = {
  "small-filters": "2×2 kernels",
  "large-filters": "5×5 kernels",
  "mixed-filters": "3×3 then 5×5 kernels",
};

/**
 * Columns shared by the per-model lab tables. Two parameter counts, each labelled: Keras's
 * (the model summary a notebook prints, batch norm counted) and ONNX's (the exported graph,
 * batch norm after a conv folded into it).
 */
export const MODEL_COLUMNS: readonly Column[] = [
  { key: "model", header: "Model" },
  { key: "variant", header: "Variant" },
  { key: "kerasParams", header: "Params (Keras)", digits: 0 },
  { key: "params", header: "Params (ONNX)", digits: 0 },
  { key: "trainable", header: "Trainable", digits: 0 },
  { key: "nonTrainable", header: "Non-trainable", digits: 0 },
  { key: "accuracy", header: "Accuracy", unit: "%", digits: 2 },
  { key: "accPerM", header: "Accuracy per M params", unit: "%/M", digits: 1 },
  { key: "p50", header: "p50", unit: "ms", digits: 3 },
  { key: "latencyAt", header: "Latency at" },
  { key: "inferenceMs", header: "Inference (tfjs)", unit: "ms/sample", digits: 4 },
  { key: "trainingS", header: "Training time", unit: "s", digits: 1 },
  { key: "paramsPerSecond", header: "Params/s", digits: 0 },
];

/** Notes every table with {@link MODEL_COLUMNS} carries. */
export const MODEL_COLUMN_NOTES: readonly string[] = [
  "Params (Keras): the count the notebook's model.summary() prints (batch-norm γ, β, moving mean and variance included); Params (ONNX): initializer elements of the exported graph, where batch norm after a conv is folded into it. Accuracy per M params uses the ONNX count.",
  "Inference (tfjs): lab 3's definition, the wall time of predicting the first 1,000 test images (batch 32, tfjs, training's backend) ÷ 1,000. Params/s: lab 3's params_per_second = Keras params ÷ training time.",
];

/** A summary as a row of {@link MODEL_COLUMNS}. */
export function summaryRow(s: ModelSummary, variant: string | null): Record<string, Cell> {
  return {
    model: s.model,
    variant,
    kerasParams: s.kerasParams,
    params: s.params,
    trainable: s.trainableParams,
    nonTrainable: s.nonTrainableParams,
    accuracy: s.accuracyPct,
    accPerM: s.accPerM,
    p50: s.p50Ms,
    latencyAt: s.latencyAt,
    inferenceMs: s.inferenceMs,
    trainingS: s.trainingS,
    paramsPerSecond: s.paramsPerSecond,
  };
}

/** The command that trains (if needed), exports and profiles `models`. */
export function profileCommand(models: readonly string[], dataset: string): string {
  return `npm run profile -- --models ${models.join(",")} --dataset ${dataset}`;
}

function sweepTable(data: ReportData, id: string, title: string, sweep: Readonly<Record<string, string>>): ReportTable {
  const all = modelSummaries(data);
  const present = Object.keys(sweep).flatMap((m) => all.filter((s) => s.model === m));
  const missing = Object.keys(sweep).filter((m) => !all.some((s) => s.model === m));
  const dataset = data.results.settings.dataset ?? "mnist";
  const notes: string[] = [];
  if (missing.length > 0) notes.push(`Missing from this run: ${missing.join(", ")}. Train and profile them with: ${profileCommand(missing, dataset)}`);
  notes.push(...MODEL_COLUMN_NOTES);
  return { id, title, columns: MODEL_COLUMNS, rows: present.map((s) => summaryRow(s, sweep[s.model] ?? null)), notes };
}

/** The architecture sweep table. */
export function architectureSweepTable(data: ReportData): ReportTable {
  return sweepTable(data, "architecture-sweep", "Architecture sweep", ARCHITECTURE_SWEEP);
}

/** The filter-size sweep table. */
export function filterSweepTable(data: ReportData): ReportTable {
  return sweepTable(data, "filter-sweep", "Filter-size sweep", FILTER_SWEEP);
}
