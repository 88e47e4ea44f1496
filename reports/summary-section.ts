/**
 * The report's opening summary, short enough for a lab to quote: the fastest EP per model
 * (at the smallest and largest batch), the INT8 speedup per EP with its 95% CI (paired
 * when the run measured pairs, else the unpaired ratio, marked), and the most efficient model.
 */
import { epDisplayName } from "../formats/ep-display-name.ts";
import { formatRatio, precisionSpeedup } from "./precision-speedup.ts";
import { modelNames, okRows, type ReportData } from "./load-run.ts";
import { modelSummaries } from "./model-summaries.ts";
import type { ReportSection } from "./report-document.ts";
import type { Cell, Column, ReportTable } from "./report-table.ts";

/** The EPs with at least one ok row, in the run's order. */
function measuredEps(data: ReportData): string[] {
  return [...new Set(okRows(data.results.rows).map((r) => r.ep))];
}

/** Fastest EP per model: lowest FP32 p50 at the smallest batch and highest throughput at the largest. */
export function fastestEpTable(data: ReportData): ReportTable {
  const rows = okRows(data.results.rows);
  const batches = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
  const small = batches[0];
  const large = batches[batches.length - 1];
  const out: Record<string, Cell>[] = [];
  for (const model of modelNames(rows)) {
    const mine = rows.filter(
      (r) => r.model === model && r.precision === (rows.some((x) => x.model === model && x.precision === "fp32") ? "fp32" : r.precision),
    );
    const atSmall = mine.filter((r) => r.batch === small).sort((a, b) => a.latency.p50 - b.latency.p50)[0];
    const atLarge = mine.filter((r) => r.batch === large).sort((a, b) => b.throughput - a.throughput)[0];
    out.push({
      model,
      precision: atSmall?.precision ?? atLarge?.precision ?? null,
      latencyEp: atSmall ? epDisplayName(atSmall.ep) : null,
      p50: atSmall?.latency.p50 ?? null,
      throughputEp: atLarge ? epDisplayName(atLarge.ep) : null,
      throughput: atLarge?.throughput ?? null,
    });
  }
  return {
    id: "summary-fastest",
    title: "Fastest EP per model",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "latencyEp", header: `Lowest latency at batch ${small ?? "?"}` },
      { key: "p50", header: "p50", unit: "ms", digits: 3 },
      { key: "throughputEp", header: `Highest throughput at batch ${large ?? "?"}` },
      { key: "throughput", header: "Throughput", unit: "img/s", digits: 0 },
    ],
    rows: out,
    notes: [],
  };
}

/** INT8 speedup over FP32, one row per model × batch, one speedup and CI column pair per EP. */
export function int8SpeedupTable(data: ReportData, variant = "int8"): ReportTable {
  const rows = okRows(data.results.rows);
  const eps = measuredEps(data);
  const columns: Column[] = [
    { key: "model", header: "Model" },
    { key: "batch", header: "Batch", digits: 0 },
  ];
  for (const ep of eps)
    columns.push({ key: `sp_${ep}`, header: `${epDisplayName(ep)} speedup`, unit: "×", digits: 2 }, { key: `ci_${ep}`, header: `${epDisplayName(ep)} 95% CI` });
  const out: Record<string, Cell>[] = [];
  let unpaired = false;
  for (const model of modelNames(rows)) {
    for (const batch of [...new Set(rows.filter((r) => r.model === model).map((r) => r.batch))].sort((a, b) => a - b)) {
      const cells: Record<string, Cell> = { model, batch };
      let any = false;
      for (const ep of eps) {
        const s = precisionSpeedup(data.results, model, ep, batch, variant);
        cells[`sp_${ep}`] = s?.speedup ?? null;
        cells[`ci_${ep}`] = !s
          ? null
          : s.kind === "paired"
            ? `${s.ci95[0].toFixed(2)}–${s.ci95[1].toFixed(2)}${s.verdict === "no clear difference" ? " (no clear difference)" : ""}`
            : "unpaired";
        if (s) any = true;
        if (s?.kind === "unpaired") unpaired = true;
      }
      if (any) out.push(cells);
    }
  }
  return {
    id: "summary-int8-speedup",
    title: `${variant.toUpperCase()} speedup over FP32 per EP`,
    columns,
    rows: out,
    notes: [
      `Speedup = FP32 p50 ÷ ${variant.toUpperCase()} p50 (> 1: ${variant.toUpperCase()} is faster). The 95% CI comes from interleaved FP32/${variant.toUpperCase()} pairs; "no clear difference" when it covers 1.`,
      ...(unpaired
        ? ['"unpaired": the two precisions were measured in separate rows, so the ratio has no interval and carries the machine\'s drift between them.']
        : []),
    ],
  };
}

/** Sentences that open the report. */
export function summarySentences(data: ReportData): string[] {
  const out: string[] = [];
  const fastest = fastestEpTable(data);
  if (fastest.rows.length > 0) {
    out.push(
      `Fastest EP per model (lowest p50 at the smallest batch): ${fastest.rows.map((r) => `${String(r.model)} on ${String(r.latencyEp)} (${typeof r.p50 === "number" ? r.p50.toPrecision(3) : "?"} ms)`).join(", ")}.`,
    );
  }
  const speed = int8SpeedupTable(data);
  const eps = measuredEps(data);
  const perEp = eps.flatMap((ep) => {
    const vals = speed.rows.map((r) => r[`sp_${ep}`]).filter((v): v is number => typeof v === "number");
    return vals.length === 0 ? [] : [`${epDisplayName(ep)} ${formatRatio(Math.min(...vals))}–${formatRatio(Math.max(...vals))}`];
  });
  if (perEp.length > 0) out.push(`INT8 speedup over FP32, range over models and batches: ${perEp.join("; ")} (per row with its CI in the table below).`);
  const eff = modelSummaries(data)
    .filter((s) => s.accPerM !== null)
    .sort((a, b) => (b.accPerM ?? 0) - (a.accPerM ?? 0))[0];
  if (eff && eff.accPerM !== null)
    out.push(
      `Most efficient model (accuracy per million parameters): ${eff.model}, ${eff.accPerM.toFixed(1)} %/M${eff.accuracyPct !== null ? ` at ${eff.accuracyPct.toFixed(2)}% top-1` : ""}.`,
    );
  const skipped = data.results.eps.filter((e) => e.state === "skipped");
  if (skipped.length > 0) out.push(`EPs that could not start here: ${skipped.map((e) => `${epDisplayName(e.name)} (${e.reason})`).join("; ")}.`);
  if (out.length === 0) out.push("No row was measured: see the efficiency table for each row's error or reason.");
  return out;
}

/** The summary section (first in the report). */
export function summarySection(data: ReportData): ReportSection {
  return { id: "summary", title: "Summary", intro: summarySentences(data), tables: [fastestEpTable(data), int8SpeedupTable(data)], plots: [], images: [] };
}
