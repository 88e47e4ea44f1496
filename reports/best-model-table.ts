/**
 * The best model per criterion: accuracy, inference speed (lowest p50 at the smallest
 * batch, any precision and EP) and accuracy per million parameters.
 */
import { okRows, type ReportData } from "./load-run.ts";
import { modelSummaries } from "./model-summaries.ts";
import type { Cell, ReportTable } from "./report-table.ts";

interface Candidate {
  readonly who: string;
  readonly value: number;
}

function ranked(cands: Candidate[], higher: boolean): Candidate[] {
  return [...cands].sort((a, b) => (higher ? b.value - a.value : a.value - b.value));
}

function row(criterion: string, unit: string, cands: Candidate[], higher: boolean): Record<string, Cell> {
  const [best, second] = ranked(cands, higher);
  return {
    criterion,
    unit,
    best: best?.who ?? null,
    value: best?.value ?? null,
    runnerUp: second?.who ?? null,
    runnerUpValue: second?.value ?? null,
  };
}

/** Builds the best-model-per-criterion table. */
export function bestModelTable(data: ReportData): ReportTable {
  const summaries = modelSummaries(data);
  const rows = okRows(data.results.rows);
  const minBatch = Math.min(...rows.map((r) => r.batch));
  const speed = rows.filter((r) => r.batch === minBatch).map((r) => ({ who: `${r.model} (${r.precision}, ${r.ep})`, value: r.latency.p50 }));
  const acc = summaries.flatMap((s) => (s.accuracyPct === null ? [] : [{ who: s.model, value: s.accuracyPct }]));
  const eff = summaries.flatMap((s) => (s.accPerM === null ? [] : [{ who: s.model, value: s.accPerM }]));
  return {
    id: "best-models",
    title: "Best model per criterion",
    columns: [
      { key: "criterion", header: "Criterion" },
      { key: "best", header: "Best" },
      { key: "value", header: "Value", digits: 3 },
      { key: "unit", header: "Unit" },
      { key: "runnerUp", header: "Runner-up" },
      { key: "runnerUpValue", header: "Runner-up value", digits: 3 },
    ],
    rows: [
      row("Accuracy (highest)", "%", acc, true),
      row(`Inference speed (lowest p50 at batch ${Number.isFinite(minBatch) ? minBatch : "?"})`, "ms", speed, false),
      row("Accuracy per million parameters (highest)", "%/M", eff, true),
    ],
    notes: ["Accuracy and accuracy per million parameters are per model (FP32); speed compares every precision and EP."],
  };
}
