/** Order statistics of latency samples (ms): percentiles, a 95% CI of the median, CV. */

/** Latency statistics of a set of samples, ms (the profile stage's `LatencySchema` has the same shape). */
export interface Latency {
  samples: number;
  mean: number;
  sd: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Distribution-free 95% confidence interval of the median, ms. */
  p50Ci95: [number, number];
  /** sd / mean (a ratio). */
  cv: number;
  /** 1.4826 × MAD / median (a ratio). */
  robustCv?: number;
}

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

/** Points of a round's latency sketch: its 0th, 0.25th, … 100th percentiles. */
export const SKETCH_POINTS = 401;

/**
 * A compact stand-in for one round's samples (ms): the samples themselves when there are
 * at most {@link SKETCH_POINTS}, else that many evenly spaced percentiles (min and max kept).
 */
export function latencySketch(samples: readonly number[]): number[] {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length <= SKETCH_POINTS) return sorted;
  return Array.from({ length: SKETCH_POINTS }, (_, i) => percentile(sorted, (i * 100) / (SKETCH_POINTS - 1)));
}

/** One measured round of a row: its exact summary and its sketch. */
export interface LatencyRound {
  readonly latency: Latency;
  readonly sketch: readonly number[];
}

/**
 * Pools the rounds of one row (each a separate child process, minutes apart) into one
 * {@link Latency}: `samples`, `mean`, `sd`, `min`, `max` and `cv` are exact over every raw
 * sample; the percentiles, the median's CI and `robustCv` come from the pooled sketches, so
 * rounds of more than {@link SKETCH_POINTS} samples weigh equally however fast they ran
 * (a fast round takes more samples in the same time). One round gives that round's figures.
 */
export function pooledLatency(rounds: readonly LatencyRound[]): Latency {
  const only = rounds[0];
  if (!only) throw new Error("pooledLatency needs at least one round");
  if (rounds.length === 1) return only.latency;
  const n = rounds.reduce((s, r) => s + r.latency.samples, 0);
  const mean = rounds.reduce((s, r) => s + r.latency.samples * r.latency.mean, 0) / n;
  const within = rounds.reduce((s, r) => s + (r.latency.samples - 1) * r.latency.sd ** 2, 0);
  const between = rounds.reduce((s, r) => s + r.latency.samples * (r.latency.mean - mean) ** 2, 0);
  const sd = n > 1 ? Math.sqrt((within + between) / (n - 1)) : 0;
  const pooled = rounds.flatMap((r) => r.sketch).sort((a, b) => a - b);
  // The binomial ranks n/2 ∓ 1.96·√n/2 of the medianCi95, as percentiles of the pooled distribution.
  const halfWidth = 98 / Math.sqrt(n);
  return {
    samples: n,
    mean,
    sd,
    min: Math.min(...rounds.map((r) => r.latency.min)),
    p50: percentile(pooled, 50),
    p90: percentile(pooled, 90),
    p95: percentile(pooled, 95),
    p99: percentile(pooled, 99),
    max: Math.max(...rounds.map((r) => r.latency.max)),
    p50Ci95: [percentile(pooled, Math.max(0, 50 - halfWidth)), percentile(pooled, Math.min(100, 50 + halfWidth))],
    cv: mean > 0 ? sd / mean : 0,
    robustCv: robustCv(pooled),
  };
}

/** Coefficient of variation (sample sd / mean) of `values`; 0 for fewer than two. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
  return mean > 0 ? sd / mean : 0;
}
