/**
 * The speedup of a quantized (or other) precision over FP32 for one model × EP × batch:
 * the paired estimate from `results.json`'s `comparisons` when the run has one, else the
 * unpaired ratio of the two rows' p50 (no interval). Used by the terminal table and the report.
 */
import type { Comparison, OkRow, RunResults } from "../formats/run/results-schema.ts";

/** A speedup (baseline p50 ÷ variant p50; > 1: the variant is faster) and how it was obtained. */
export type Speedup =
  | {
      readonly kind: "paired";
      readonly speedup: number;
      readonly ci95: readonly [number, number];
      readonly verdict: Comparison["verdict"];
      readonly pairs: number;
    }
  | { readonly kind: "unpaired"; readonly speedup: number };

/**
 * The speedup of `variant` over `baseline` (default `fp32`) for `model` on `ep` at `batch`,
 * or undefined when the run has neither a comparison nor both ok rows.
 */
export function precisionSpeedup(
  results: Pick<RunResults, "rows" | "comparisons">,
  model: string,
  ep: string,
  batch: number,
  variant: string,
  baseline = "fp32",
): Speedup | undefined {
  const c = results.comparisons?.find(
    (x) => x.kind === "precision" && x.model === model && x.ep === ep && x.batch === batch && x.variant === variant && x.baseline === baseline,
  );
  if (c) return { kind: "paired", speedup: c.speedup, ci95: c.ci95, verdict: c.verdict, pairs: c.pairs };
  const ok = (precision: string) =>
    results.rows.find((r): r is OkRow => r.state === "ok" && r.model === model && r.ep === ep && r.batch === batch && r.precision === precision);
  const b = ok(baseline);
  const v = ok(variant);
  if (!b || !v || v.latency.p50 <= 0) return undefined;
  return { kind: "unpaired", speedup: b.latency.p50 / v.latency.p50 };
}

/** `1.45×`, with 2 decimals (3 significant digits below 1). */
export function formatRatio(x: number): string {
  return `${x.toFixed(2)}×`;
}

/** `1.45× [1.38–1.52]` for a paired speedup, `1.45× unpaired` otherwise. */
export function formatSpeedup(s: Speedup): string {
  return s.kind === "paired" ? `${formatRatio(s.speedup)} [${s.ci95[0].toFixed(2)}–${s.ci95[1].toFixed(2)}]` : `${formatRatio(s.speedup)} unpaired`;
}

/** The verdict of a speedup: the paired verdict, or `unpaired (no CI)`. */
export function speedupVerdict(s: Speedup): string {
  return s.kind === "paired" ? s.verdict : "unpaired (no CI)";
}
