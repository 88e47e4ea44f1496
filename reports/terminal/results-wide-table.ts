/** The wide terminal table (`--wide`): every row of the run, every column (cli-table3). */
import Table from "cli-table3";
import { epDisplayName } from "../../formats/ep-display-name.ts";
import type { RunResults } from "../../formats/run/results-schema.ts";

/** A number with `digits` significant digits (integers from 1000 up), `-` when absent. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  return value.toPrecision(digits);
}

/** A fraction 0..1 as percent with 2 decimals, `-` when absent. */
export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : `${(value * 100).toFixed(2)}%`;
}

/** Every row (skipped and errored included) with every column; about 200 columns wide. */
export function renderWideTable(results: RunResults): string {
  const table = new Table({
    head: [
      "model",
      "prec",
      "EP",
      "batch",
      "state",
      "p50 ms",
      "p95 ms",
      "img/s",
      "rCV",
      "rounds CV",
      "RSS MiB",
      "top-1",
      "agree",
      "params",
      "size KiB",
      "acc%/Mparam",
    ],
    style: { head: [], border: [] },
  });
  // Accuracy over fewer images than the model's largest evaluation (a slow EP ran out of budget) shows its count.
  const fullCount = new Map<string, number>();
  for (const r of results.rows) if (r.state === "ok" && r.accuracy) fullCount.set(r.model, Math.max(fullCount.get(r.model) ?? 0, r.accuracy.count));
  for (const r of results.rows) {
    const base = [r.model, r.precision, epDisplayName(r.ep), String(r.batch)]; // browser EPs show as "wasm (browser)"
    if (r.state === "ok") {
      const acc = r.accuracy && r.accuracy.count < (fullCount.get(r.model) ?? 0) ? `${pct(r.accuracy.top1)} (n=${r.accuracy.count})` : pct(r.accuracy?.top1);
      const p50 = r.latency.samples < 5 ? `${fmt(r.latency.p50)} (n=${r.latency.samples})` : fmt(r.latency.p50);
      table.push([
        ...base,
        "ok",
        p50,
        fmt(r.latency.p95),
        fmt(r.throughput, 4),
        pct(r.latency.robustCv ?? r.latency.cv),
        r.roundP50s && r.roundP50s.length > 1 ? `${pct(r.roundsCv)} (${r.roundP50s.length})` : "-",
        fmt(r.peakRssMiB, 4),
        acc,
        pct(r.agreementWithFp32),
        String(r.params),
        fmt(r.sizeBytes / 1024, 4),
        fmt(r.accuracyPerMParams, 4),
      ]);
    } else {
      const why = r.state === "skipped" ? r.reason : r.error;
      table.push([...base, r.state, { colSpan: 11, content: why.length > 110 ? `${why.slice(0, 107)}...` : why }]);
    }
  }
  return table.toString();
}
