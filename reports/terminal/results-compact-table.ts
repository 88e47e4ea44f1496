/**
 * The compact terminal table (the default): one line per model × batch × EP that could
 * start, FP32 beside each other precision with the speedup and its verdict. It fits 120
 * columns for the default suite; rows of EPs that could not start are left out (the run
 * lists those EPs once, above the table).
 */
import { epDisplayName } from "../../formats/ep-display-name.ts";
import { formatSpeedup, precisionSpeedup, speedupVerdict } from "../precision-speedup.ts";
import type { OkRow, ResultRow, RunResults } from "../../formats/run/results-schema.ts";
import { fmt } from "./results-wide-table.ts";

/** Plain text columns: two spaces apart, a dashed rule under the header, `right` columns right-aligned. */
function renderColumns(head: readonly string[], lines: readonly (readonly string[])[], right: readonly boolean[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join("  ")
      .trimEnd();
  return [render(head), width.map((w) => "-".repeat(w)).join("  "), ...lines.map(render)].join("\n");
}

/** The EPs whose rows the compact table shows: those that started (in the run's EP order). */
function shownEps(results: RunResults): string[] {
  const started = results.eps.filter((e) => e.state === "available").map((e) => e.name);
  const inRows = [...new Set(results.rows.map((r) => r.ep))];
  return [...started.filter((e) => inRows.includes(e)), ...inRows.filter((e) => !results.eps.some((s) => s.name === e))];
}

/** Precisions in first-seen order, `fp32` first when present. */
function precisionsOf(rows: readonly ResultRow[]): string[] {
  const all = [...new Set(rows.map((r) => r.precision))];
  return all.includes("fp32") ? ["fp32", ...all.filter((p) => p !== "fp32")] : all;
}

/** The cell of one row's p50: ms with 3 significant digits, `~` when under 5 samples, else its state. */
function p50Cell(row: ResultRow | undefined): string {
  if (!row) return "-";
  if (row.state !== "ok") return row.state;
  return `${fmt(row.latency.p50)}${row.latency.samples < 5 ? "~" : ""}`;
}

/** Options of {@link renderCompactTable}. */
export interface CompactTableOptions {
  /** Called for each footnote marker used, so the caller can explain it once. */
  readonly onMarker?: (marker: "~" | "*") => void;
}

/**
 * The compact table as text. Columns: model, batch, EP, p50 per precision (ms), then per
 * non-FP32 precision its speedup over FP32 (`1.45× [1.38–1.52]`, the 95% CI, when paired)
 * and verdict, top-1 (%) of FP32 and the change of each other precision (percentage points).
 * Peak memory and the other columns are in the wide table.
 */
export function renderCompactTable(results: RunResults, options: CompactTableOptions = {}): string {
  const eps = shownEps(results);
  const rows = results.rows.filter((r) => eps.includes(r.ep));
  const precisions = precisionsOf(rows);
  const base = precisions[0] === "fp32" ? "fp32" : undefined;
  const variants = base ? precisions.slice(1) : [];
  const head = ["model", "batch", "EP", ...precisions.map((p) => `${p} ms`)];
  for (const v of variants) head.push(`${v} speedup`, "verdict");
  head.push("top-1 %", ...variants.map((v) => `${v} Δpp`));
  const right = head.map((h, i) => i === 1 || / ms$|^top-1 %$|Δpp$/.test(h));
  const table: string[][] = [];
  const fullCount = new Map<string, number>();
  for (const r of rows) if (r.state === "ok" && r.accuracy) fullCount.set(r.model, Math.max(fullCount.get(r.model) ?? 0, r.accuracy.count));
  const models = [...new Set(rows.map((r) => r.model))];
  const find = (model: string, p: string, ep: string, batch: number) =>
    rows.find((r) => r.model === model && r.precision === p && r.ep === ep && r.batch === batch);
  const top1 = (r: ResultRow | undefined): OkRow["accuracy"] | undefined => (r?.state === "ok" ? r.accuracy : undefined);
  for (const model of models) {
    const batches = [...new Set(rows.filter((r) => r.model === model).map((r) => r.batch))].sort((a, b) => a - b);
    let firstOfModel = true;
    for (const batch of batches) {
      let firstOfBatch = true;
      for (const ep of eps) {
        const mine = precisions.map((p) => find(model, p, ep, batch));
        if (mine.every((r) => !r)) continue;
        const line = [firstOfModel ? model : "", firstOfBatch ? String(batch) : "", epDisplayName(ep), ...mine.map(p50Cell)];
        if (mine.some((r) => r?.state === "ok" && r.latency.samples < 5)) options.onMarker?.("~");
        for (const v of variants) {
          const s = precisionSpeedup(results, model, ep, batch, v, base);
          line.push(s ? formatSpeedup(s) : "-", s ? speedupVerdict(s) : "-");
        }
        const baseAcc = top1(mine[0]);
        const subset = baseAcc && baseAcc.count < (fullCount.get(model) ?? 0);
        if (subset) options.onMarker?.("*");
        line.push(baseAcc ? `${(baseAcc.top1 * 100).toFixed(2)}${subset ? "*" : ""}` : "-");
        for (const [i] of variants.entries()) {
          const acc = top1(mine[i + 1]);
          line.push(acc && baseAcc ? `${(acc.top1 - baseAcc.top1) * 100 >= 0 ? "+" : ""}${((acc.top1 - baseAcc.top1) * 100).toFixed(2)}` : "-");
        }
        table.push(line);
        firstOfModel = false;
        firstOfBatch = false;
      }
    }
  }
  return renderColumns(head, table, right);
}
