/** The confusion-matrix section: one matrix per profiled FP32 model with a dataset. */
import type { Plot } from "./chart-render.ts";
import { confusionMatrix, confusionPlot, mostConfusedText, predictionsFor } from "./confusion-matrix.ts";
import { modelNames, okRows, representativeRow, type ReportData } from "./load-run.ts";
import type { ReportSection } from "./report-document.ts";
import type { ResolvedReportOptions } from "../formats/options/report-options.ts";
import type { Cell, ReportTable } from "./report-table.ts";
import { loadTestSet, type TestSet } from "./test-set.ts";

/** Builds the section; models whose predictions or dataset cannot be had are listed in `warnings`. */
export async function confusionSection(data: ReportData, o: ResolvedReportOptions, warnings: string[]): Promise<ReportSection> {
  const rows = okRows(data.results.rows);
  const plots: Plot[] = [];
  const tableRows: Record<string, Cell>[] = [];
  const notes: string[] = [];
  const datasets = new Map<string, TestSet | Error>();
  for (const model of modelNames(data.results.rows)) {
    const row = representativeRow(rows, model);
    const dataset = row?.accuracy?.dataset ?? data.models.get(model)?.train?.dataset.name;
    if (!row || !dataset) continue;
    // the test split the profile measured: the seeded readers (folder, synthetic) take the training seed
    const seed = data.models.get(model)?.train?.seed;
    const key = `${dataset}|${seed ?? ""}`;
    if (!datasets.has(key))
      datasets.set(key, await loadTestSet(dataset, o.confusionLimit, data.results.settings.dataDir, seed).catch((e: unknown) => e as Error));
    const test = datasets.get(key);
    if (!test || test instanceof Error) {
      warnings.push(`confusion matrix of ${model}: cannot load the ${dataset} test set (${test?.message ?? "unknown"})`);
      continue;
    }
    const got = await predictionsFor(data.runDir, row, test.test, o.confusionLimit, test.shape);
    if (!got) {
      warnings.push(`confusion matrix of ${model}: no saved predictions and ONNX Runtime could not compute them`);
      continue;
    }
    const m = confusionMatrix(got.predictions, test.test.labels, test.classNames);
    notes.push(`${model}: ${mostConfusedText(m)}.`);
    plots.push(await confusionPlot(`${model} ${row.precision}`, m));
    tableRows.push({
      model,
      precision: row.precision,
      ep: got.source === "run predictions" ? row.ep : "cpu",
      images: m.total,
      accuracy: m.accuracy * 100,
      pair: m.mostConfused ? `${m.mostConfused.trueClass} → ${m.mostConfused.predicted}` : "none",
      count: m.mostConfused?.count ?? 0,
      source: got.source,
    });
  }
  const table: ReportTable = {
    id: "confusion",
    title: "Most confused pairs",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "ep", header: "EP" },
      { key: "images", header: "Test images", digits: 0 },
      { key: "accuracy", header: "Accuracy", unit: "%", digits: 2 },
      { key: "pair", header: "Most confused (true → predicted)" },
      { key: "count", header: "Images", digits: 0 },
      { key: "source", header: "Predictions from" },
    ],
    rows: tableRows,
    notes: tableRows.length === 0 ? ["No confusion matrix: no FP32 row with a dataset, or its predictions could not be had."] : notes,
  };
  return { id: "confusion", title: "Confusion matrices", intro: [], tables: [table], plots, images: [] };
}
