/**
 * The labs' head-to-head tables: CNN vs fully connected network with normalised scores,
 * and transfer learning vs training from scratch (MobileNetV2's train.json `transfer`).
 */
import { modelSummaries, type ModelSummary } from "./model-summaries.ts";
import type { ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";
import { MODEL_COLUMNS, profileCommand, summaryRow } from "./sweep-tables.ts";

/** `value / best` where higher is better, `best / value` where lower is better; null when unknown. */
export function normalisedScore(value: number | null, values: readonly (number | null)[], higherIsBetter: boolean): number | null {
  const known = values.filter((v): v is number => v !== null && v > 0);
  if (value === null || value <= 0 || known.length === 0) return null;
  return higherIsBetter ? value / Math.max(...known) : Math.min(...known) / value;
}

/**
 * CNN vs fully connected: every model of the run with scores in 0..1 (1 = best of the
 * table, higher is better) for accuracy, speed (lower latency), compactness (fewer
 * parameters) and accuracy per million parameters, and their mean.
 */
export function cnnVsFcnnTable(data: ReportData): ReportTable {
  const all = modelSummaries(data);
  const score = (s: ModelSummary, pick: (x: ModelSummary) => number | null, higher: boolean) => normalisedScore(pick(s), all.map(pick), higher);
  const rows = all.map((s): Record<string, Cell> => {
    const scores = [score(s, (x) => x.accuracyPct, true), score(s, (x) => x.p50Ms, false), score(s, (x) => x.params, false), score(s, (x) => x.accPerM, true)];
    const known = scores.filter((v): v is number => v !== null);
    return {
      ...summaryRow(s, s.fullyConnected ? "fully connected" : "CNN"),
      accScore: scores[0] ?? null, speedScore: scores[1] ?? null, sizeScore: scores[2] ?? null, effScore: scores[3] ?? null,
      overall: known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null,
    };
  });
  const notes = ["Scores are normalised to the best model of this table: 1.00 is best, higher is better (speed = fastest p50 ÷ p50, compactness = fewest params ÷ params). Overall = mean of the known scores."];
  const dataset = String(data.results.settings.dataset ?? "mnist");
  if (!all.some((s) => s.fullyConnected)) notes.unshift(`No fully connected model in this run. Add it with: ${profileCommand(["fcnn"], dataset)}`);
  if (!all.some((s) => !s.fullyConnected)) notes.unshift(`No CNN in this run. Add one with: ${profileCommand(["basic-cnn"], dataset)}`);
  return {
    id: "cnn-vs-fcnn",
    title: "CNN vs fully connected",
    columns: [
      ...MODEL_COLUMNS.filter((c) => c.key !== "latencyAt"),
      { key: "accScore", header: "Accuracy score", digits: 2 }, { key: "speedScore", header: "Speed score", digits: 2 },
      { key: "sizeScore", header: "Compactness score", digits: 2 }, { key: "effScore", header: "Accuracy/param score", digits: 2 },
      { key: "overall", header: "Overall score", digits: 2 },
    ],
    rows,
    notes,
  };
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
  if (!hasScratch) notes.push("No from-scratch MobileNetV2 here. Train one (into its own --out so it does not overwrite the other): npm run train -- --model mobilenetv2 --dataset cifar10 --out artifacts/scratch, then pass --models-dir artifacts/scratch/models/mobilenetv2-cifar10");
  if (!hasTransfer) notes.push("No transfer-learning MobileNetV2 here. Train one: npm run train -- --model mobilenetv2 --dataset cifar10 --pretrained <tfjs model dir> --out artifacts/transfer, then pass --models-dir artifacts/transfer/models/mobilenetv2-cifar10");
  return {
    id: "transfer-vs-scratch",
    title: "Transfer learning vs from scratch",
    columns: [
      ...MODEL_COLUMNS.filter((c) => c.key !== "latencyAt" && c.key !== "p50"),
      { key: "source", header: "Pretrained weights" }, { key: "loaded", header: "Layers loaded", digits: 0 },
      { key: "epochs", header: "Epochs", digits: 0 }, { key: "bestValAcc", header: "Best val accuracy", unit: "%", digits: 2 },
    ],
    rows,
    notes,
  };
}

function bestValAccuracy(s: ModelSummary): number | null {
  const v = (s.train?.history ?? []).flatMap((h) => (h.valAccuracy === undefined ? [] : [h.valAccuracy]));
  return v.length > 0 ? Math.max(...v) * 100 : null;
}
