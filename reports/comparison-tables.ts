/**
 * The labs' head-to-head tables: CNN vs fully connected network with normalised scores,
 * and transfer learning vs training from scratch (MobileNetV2's train.json `transfer`).
 */
import { modelSummaries, type ModelSummary } from "./model-summaries.ts";
import type { ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";
import { plot, type Plot } from "./chart-render.ts";
import { MODEL_COLUMN_NOTES, MODEL_COLUMNS, profileCommand, summaryRow } from "./sweep-tables.ts";

/** `value / best` where higher is better, `best / value` where lower is better; null when unknown. */
export function normalisedScore(value: number | null, values: readonly (number | null)[], higherIsBetter: boolean): number | null {
  const known = values.filter((v): v is number => v !== null && v > 0);
  if (value === null || value <= 0 || known.length === 0) return null;
  return higherIsBetter ? value / Math.max(...known) : Math.min(...known) / value;
}

/** The lab's five normalised metrics (lab 3's CNN vs FCNN comparison): key, label, figure, higher is better. */
const SCORES: readonly { key: string; label: string; pick: (s: ModelSummary) => number | null; higher: boolean }[] = [
  { key: "accScore", label: "Accuracy", pick: (x) => x.accuracyPct, higher: true },
  { key: "trainScore", label: "Training time", pick: (x) => x.trainingS, higher: false },
  { key: "speedScore", label: "Inference time", pick: (x) => x.p50Ms, higher: false },
  { key: "sizeScore", label: "Parameters", pick: (x) => x.params, higher: false },
  { key: "effScore", label: "Accuracy/Million Params", pick: (x) => x.accPerM, higher: true },
];

/**
 * CNN vs fully connected: every model of the run with scores in 0..1 (1 = best of the
 * table, higher is better) for accuracy, training time, speed (lower latency), compactness
 * (fewer parameters) and accuracy per million parameters, and their mean.
 */
export function cnnVsFcnnTable(data: ReportData): ReportTable {
  // A lab model has a train.json, or at least a measured latency and an accuracy: foreign files (random inputs) and errored ones are left out.
  const summaries = modelSummaries(data);
  const all = summaries.filter((s) => s.train || (s.p50Ms !== null && s.accuracyPct !== null));
  const left = summaries.filter((s) => !all.includes(s)).map((s) => s.model);
  const rows = all.map((s): Record<string, Cell> => {
    const scores = SCORES.map((m) => normalisedScore(m.pick(s), all.map(m.pick), m.higher));
    const known = scores.filter((v): v is number => v !== null);
    return {
      ...summaryRow(s, s.fullyConnected ? "fully connected" : "CNN"),
      ...Object.fromEntries(SCORES.map((m, i) => [m.key, scores[i] ?? null])),
      overall: known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null,
    };
  });
  const notes = [
    "Scores are normalised to the best model of this table, as lab 3 does: 1.00 is best, higher is better (training-time score = shortest training ÷ training time, speed = fastest p50 ÷ p50, size = fewest ONNX params ÷ params). Overall = mean of the known scores.",
    ...MODEL_COLUMN_NOTES,
    ...(left.length > 0 ? [`Left out (no train.json, and no latency or accuracy of their own: foreign or errored files): ${left.join(", ")}.`] : []),
  ];
  const dataset = data.results.settings.dataset ?? "mnist";
  if (!all.some((s) => s.fullyConnected)) notes.unshift(`No fully connected model in this run. Add it with: ${profileCommand(["fcnn"], dataset)}`);
  if (!all.some((s) => !s.fullyConnected)) notes.unshift(`No CNN in this run. Add one with: ${profileCommand(["basic-cnn"], dataset)}`);
  return {
    id: "cnn-vs-fcnn",
    title: "CNN vs fully connected",
    columns: [
      ...MODEL_COLUMNS.filter((c) => c.key !== "latencyAt"),
      { key: "accScore", header: "Accuracy score", digits: 2 },
      { key: "trainScore", header: "Train time score", digits: 2 },
      { key: "speedScore", header: "Speed score", digits: 2 },
      { key: "sizeScore", header: "Size score", digits: 2 },
      { key: "effScore", header: "Acc/param score", digits: 2 },
      { key: "overall", header: "Overall", digits: 2 },
    ],
    rows,
    notes,
  };
}

/**
 * Lab 3's grouped bar chart of the CNN vs FCNN comparison: one group per metric, one bar per
 * model, the normalised score (higher is better). Null when fewer than two models have scores.
 */
export async function cnnVsFcnnPlot(table: ReportTable): Promise<Plot | null> {
  const values = table.rows.flatMap((r) =>
    SCORES.flatMap((m) => (typeof r[m.key] === "number" ? [{ model: String(r.model), metric: m.label, score: r[m.key] as number }] : [])),
  );
  if (new Set(values.map((v) => v.model)).size < 2) return null;
  return plot("cnn-vs-fcnn", "CNN vs FCNN comparison (normalised score, higher is better)", {
    width: 560,
    height: 300,
    data: { values },
    encoding: {
      x: { field: "metric", type: "nominal", sort: SCORES.map((m) => m.label), title: "Metric", axis: { labelAngle: -30 } },
      xOffset: { field: "model", type: "nominal" },
      y: { field: "score", type: "quantitative", title: "Normalized Score (higher is better)", scale: { domain: [0, 1] } },
      color: { field: "model", type: "nominal", title: "Model" },
    },
    mark: "bar",
  });
}

/** Transfer learning vs from scratch: every model whose train.json has a `transfer` record. */
export function transferTable(data: ReportData): ReportTable {
  const all = modelSummaries(data).filter((s) => s.train?.transfer);
  const rows = all.map((s): Record<string, Cell> => {
    const t = s.train?.transfer ?? {};
    const pretrained = typeof t.pretrained === "string" ? t.pretrained : null;
    return {
      ...summaryRow(s, pretrained ? "transfer learning" : "from scratch"),
      source: pretrained ?? "none (random init)",
      loaded: typeof t.loadedLayers === "number" ? t.loadedLayers : null,
      epochs: s.train?.epochsRun ?? null,
      bestValAcc: bestValAccuracy(s),
    };
  });
  const notes: string[] = [];
  const hasScratch = rows.some((r) => r.variant === "from scratch");
  const hasTransfer = rows.some((r) => r.variant === "transfer learning");
  if (!hasScratch)
    notes.push(
      "No from-scratch MobileNetV2 here. Train one (into its own --out so it does not overwrite the other): npm run train -- --model mobilenetv2 --dataset cifar10 --out artifacts/scratch, then pass --models-dir artifacts/scratch/models/mobilenetv2-cifar10",
    );
  if (!hasTransfer)
    notes.push(
      "No transfer-learning MobileNetV2 here. Train one: npm run train -- --model mobilenetv2 --dataset cifar10 --pretrained <tfjs model dir> --out artifacts/transfer, then pass --models-dir artifacts/transfer/models/mobilenetv2-cifar10",
    );
  return {
    id: "transfer-vs-scratch",
    title: "Transfer learning vs from scratch",
    columns: [
      ...MODEL_COLUMNS.filter((c) => c.key !== "latencyAt" && c.key !== "p50"),
      { key: "source", header: "Pretrained weights" },
      { key: "loaded", header: "Layers loaded", digits: 0 },
      { key: "epochs", header: "Epochs", digits: 0 },
      { key: "bestValAcc", header: "Best val accuracy", unit: "%", digits: 2 },
    ],
    rows,
    notes,
  };
}

function bestValAccuracy(s: ModelSummary): number | null {
  const v = (s.train?.history ?? []).flatMap((h) => (h.valAccuracy === undefined ? [] : [h.valAccuracy]));
  return v.length > 0 ? Math.max(...v) * 100 : null;
}
