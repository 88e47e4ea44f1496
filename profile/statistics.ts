/** Order statistics of latency samples (ms): percentiles, a 95% CI of the median, CV. */
import type { Latency } from "./results-schema.ts";

/** Percentile `p` (0..100) of ascending-sorted `sorted`, linear interpolation (same as tinybench). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

/**
 * Distribution-free 95% confidence interval of the median: the order statistics at ranks
 * n/2 ∓ 1.96·√n/2 (normal approximation to the binomial), clamped to the sample range.
 */
export function medianCi95(sorted: readonly number[]): [number, number] {
  const n = sorted.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [sorted[lo] ?? Number.NaN, sorted[Math.max(lo, hi)] ?? Number.NaN];
}

/** 1.4826 × median absolute deviation / median of ascending-sorted samples (0 when the median is 0). */
export function robustCv(sorted: readonly number[]): number {
  const median = percentile(sorted, 50);
  if (!(median > 0)) return 0;
  const deviations = sorted.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
  return (1.4826 * percentile(deviations, 50)) / median;
}

/** Summarises raw latency samples (ms, any order). */
export function summarizeLatency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, n);
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  return {
    samples: n,
    mean,
    sd,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[n - 1] ?? Number.NaN,
    p50Ci95: medianCi95(sorted),
    cv: mean > 0 ? sd / mean : 0,
    robustCv: robustCv(sorted),
  };
}
