/** Flattens result rows into `results.csv` (one line per row; empty cells where a value is absent; text that starts like a formula gets a leading `'`). */
import { csvCell } from "../formats/csv-cell.ts";
import type { Comparison, ResultRow } from "../formats/run/results-schema.ts";

/** CSV columns, in order. Latency in ms, memory in MiB, throughput in images/s, energy in J (idle subtracted). */
export const CSV_COLUMNS = [
  "model",
  "precision",
  "ep",
  "batch",
  "state",
  "p50_ms",
  "p90_ms",
  "p95_ms",
  "p99_ms",
  "mean_ms",
  "sd_ms",
  "min_ms",
  "max_ms",
  "p50_ci_lo_ms",
  "p50_ci_hi_ms",
  "cv",
  "robust_cv",
  "samples",
  "rounds",
  "round_p50s_ms",
  "rounds_cv",
  "best_round_p50_ms",
  "throughput_img_s",
  "session_create_ms",
  "first_run_ms",
  "peak_rss_mib",
  "arena_held_mib",
  "top1",
  "accuracy_images",
  "agreement_fp32",
  "params",
  "size_bytes",
  "accuracy_per_mparams",
  "load_avg_1m",
  "intra_op_threads",
  "joules_per_image",
  "images_per_joule",
  "energy_note",
  "reason",
  "error",
  "exit_code",
  "signal",
] as const;

/** A cell: integers as they are, other numbers with 6 significant digits, text neutralised (see csv-cell.ts). */
function cell(value: unknown): string {
  return csvCell(value, (n) => (Number.isInteger(n) ? String(n) : n.toPrecision(6)));
}

/** Renders rows as CSV text with a header line. */
export function rowsToCsv(rows: readonly ResultRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const v: Partial<Record<(typeof CSV_COLUMNS)[number], unknown>> = { model: r.model, precision: r.precision, ep: r.ep, batch: r.batch, state: r.state };
    if (r.state === "ok") {
      const l = r.latency;
      Object.assign(v, {
        p50_ms: l.p50,
        p90_ms: l.p90,
        p95_ms: l.p95,
        p99_ms: l.p99,
        mean_ms: l.mean,
        sd_ms: l.sd,
        min_ms: l.min,
        max_ms: l.max,
        p50_ci_lo_ms: l.p50Ci95[0],
        p50_ci_hi_ms: l.p50Ci95[1],
        cv: l.cv,
        robust_cv: l.robustCv,
        samples: l.samples,
        rounds: r.roundP50s?.length ?? 1,
        round_p50s_ms: r.roundP50s?.map((p) => p.toPrecision(4)).join(" "),
        rounds_cv: r.roundsCv,
        best_round_p50_ms: r.bestRoundP50,
        throughput_img_s: r.throughput,
        session_create_ms: r.sessionCreateMs,
        first_run_ms: r.firstRunMs,
        peak_rss_mib: r.peakRssMiB,
        arena_held_mib: r.arena?.heldMiB,
        top1: r.accuracy?.top1,
        accuracy_images: r.accuracy?.count,
        agreement_fp32: r.agreementWithFp32,
        params: r.params,
        size_bytes: r.sizeBytes,
        accuracy_per_mparams: r.accuracyPerMParams,
        load_avg_1m: r.loadAverage1m,
        intra_op_threads: r.threads?.used ?? r.threads?.requested, // the pool ORT used (never 0 where resolved)
        joules_per_image: r.energy?.available ? r.energy.joulesPerImage : undefined,
        images_per_joule: r.energy?.available ? r.energy.imagesPerJoule : undefined,
        energy_note: r.energy && !r.energy.available ? `unavailable: ${r.energy.unavailable.map((u) => `${u.source}: ${u.reason}`).join("; ")}` : undefined,
      });
    } else if (r.state === "skipped") {
      v.reason = `${r.reason} Fix: ${r.fix}`;
    } else {
      Object.assign(v, { error: r.error, exit_code: r.exitCode, signal: r.signal });
    }
    lines.push(CSV_COLUMNS.map((c) => cell(v[c])).join(","));
  }
  return lines.join("\n") + "\n";
}

/** Columns of `comparisons.csv`. */
export const COMPARISON_COLUMNS = [
  "kind",
  "model",
  "ep",
  "precision",
  "batch",
  "baseline",
  "variant",
  "speedup",
  "ci95_lo",
  "ci95_hi",
  "paired",
  "pairs",
  "rounds",
  "verdict",
] as const;

/** Renders the speedups with their intervals as CSV text with a header line. */
export function comparisonsToCsv(comparisons: readonly Comparison[]): string {
  const lines = [COMPARISON_COLUMNS.join(",")];
  for (const c of comparisons) {
    const v: Record<(typeof COMPARISON_COLUMNS)[number], unknown> = {
      kind: c.kind,
      model: c.model,
      ep: c.ep,
      precision: c.precision,
      batch: c.batch,
      baseline: c.baseline,
      variant: c.variant,
      speedup: c.speedup,
      ci95_lo: c.ci95[0],
      ci95_hi: c.ci95[1],
      paired: String(c.paired),
      pairs: c.pairs,
      rounds: c.rounds,
      verdict: c.verdict,
    };
    lines.push(COMPARISON_COLUMNS.map((k) => cell(v[k])).join(","));
  }
  return lines.join("\n") + "\n";
}
