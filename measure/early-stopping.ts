/**
 * MLPerf loadgen's early-stopping rule (`loadgen/early_stopping.cc`, `results.cc`): a
 * latency percentile is known once the run holds enough queries that, were the true share
 * of queries over the estimate as large as 1 − p, seeing this few of them would have odds
 * below 1 − confidence. Each query is a Bernoulli trial ("over latency" with probability
 * 1 − p), so the odds are a binomial CDF. Loadgen's tolerance d is 0 in every scenario, so
 * it is left out here; its confidence is hard-coded 0.99, here a parameter (the profiler
 * uses {@link EARLY_STOPPING_CONFIDENCE}).
 */

/** Confidence the profiler asks of an early-stopping percentile (loadgen itself uses 0.99). */
export const EARLY_STOPPING_CONFIDENCE = 0.95;

function checkFraction(name: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new Error(`${name} must be a fraction strictly between 0 and 1 (e.g. 0.9 for p90); got ${value}`);
}

/** ln(e^a + e^b) without overflow or underflow. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/**
 * loadgen's `odds(h, t, p, 0)`: the probability of at most `t` over-latency queries among
 * `h + t`, when each is over latency with probability 1 − `p`:
 * Σ_{x=0..t} C(h+t, x) (1−p)^x p^(h+t−x). Summed in log space (p^(h+t) underflows for large h).
 */
export function overLatencyOdds(h: number, t: number, p: number): number {
  checkFraction("percentile", p);
  const n = h + t;
  let term = n * Math.log(p); // ln C(n,0) p^n
  let sum = term;
  const ratio = Math.log(1 - p) - Math.log(p);
  for (let x = 0; x < t; x++) {
    term += Math.log(n - x) - Math.log(x + 1) + ratio; // C(n,x+1)/C(n,x) = (n−x)/(x+1)
    sum = logAdd(sum, term);
  }
  return Math.min(1, Math.exp(sum));
}

/**
 * loadgen's `MinPassingQueriesFinder`: the fewest queries `h` under the bound such that
 * `t` over it still give odds below 1 − `confidence` (exponential then binary search;
 * odds fall as h grows). With t = 0 it is ⌈ln(1 − c) / ln p⌉.
 */
export function minPassingQueries(t: number, p: number, confidence: number): number {
  checkFraction("confidence", confidence);
  if (!Number.isInteger(t) || t < 0) throw new Error(`over-latency count must be a whole number >= 0; got ${t}`);
  const alpha = 1 - confidence;
  let hi = 1;
  while (overLatencyOdds(hi, t, p) >= alpha) hi *= 2;
  let lo = Math.floor(hi / 2); // fails (or 0, where odds are 1)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (overLatencyOdds(mid, t, p) < alpha) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** What {@link earlyStoppingPercentile} concludes from one run's latencies. */
export interface EarlyStoppingEstimate {
  /** Percentile asked for, as a fraction (0.99 for p99). */
  readonly percentile: number;
  readonly confidence: number;
  /** Queries in the run. */
  readonly queries: number;
  /** Fewest queries that give any estimate: h(1) + 1 (loadgen's "need to process at least"). */
  readonly minQueries: number;
  /**
   * The latency the true percentile is below with `confidence`: the t-th highest sample
   * for the largest t with queries ≥ h(t) + t (t − 1 highest discarded), ms. Null when
   * `queries` < {@link minQueries}.
   */
  readonly estimateMs: number | null;
  /** That t (0 when there is no estimate). */
  readonly overAllowed: number;
}

/**
 * loadgen's SingleStream early-stopping estimate of percentile `p` from `latenciesMs` (any
 * order). The largest t with n ≥ h(t) + t is the largest t with odds(n − t, t) below
 * 1 − c, i.e. P[Binomial(n, 1 − p) ≤ t] < 1 − c: found in one pass over the CDF.
 */
export function earlyStoppingPercentile(latenciesMs: readonly number[], p: number, confidence = EARLY_STOPPING_CONFIDENCE): EarlyStoppingEstimate {
  const n = latenciesMs.length;
  const minQueries = minPassingQueries(1, p, confidence) + 1;
  const base = { percentile: p, confidence, queries: n, minQueries };
  if (n < minQueries) return { ...base, estimateMs: null, overAllowed: 0 };
  // One pass over the CDF of Binomial(n, 1 − p): ln P[X = x] from ln P[X = x − 1], summed in log space.
  const logAlpha = Math.log(1 - confidence);
  const ratio = Math.log(1 - p) - Math.log(p);
  let term = n * Math.log(p);
  let cdf = term;
  let t = 0;
  while (t < n) {
    term += Math.log(n - t) - Math.log(t + 1) + ratio;
    const next = logAdd(cdf, term);
    if (next >= logAlpha) break;
    cdf = next;
    t++;
  }
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { ...base, estimateMs: sorted[n - t]!, overAllowed: t };
}

/** What {@link earlyStoppingVerdict} says of a server run against its latency bound. */
export interface EarlyStoppingVerdict {
  /** Queries over the bound (t). */
  readonly overBound: number;
  /** Queries the run needed to pass with that t: h(t) + t. */
  readonly neededQueries: number;
  readonly queries: number;
  /** True when queries ≥ h(t) + t: the percentile is under the bound with `confidence`. */
  readonly passes: boolean;
}

/**
 * loadgen's Server rule: with t queries over `boundMs`, the run shows percentile `p` under
 * the bound at `confidence` when it holds at least h(t) + t queries.
 */
export function earlyStoppingVerdict(latenciesMs: readonly number[], boundMs: number, p: number, confidence = EARLY_STOPPING_CONFIDENCE): EarlyStoppingVerdict {
  const overBound = latenciesMs.filter((ms) => ms > boundMs).length;
  const neededQueries = minPassingQueries(overBound, p, confidence) + overBound;
  return { overBound, neededQueries, queries: latenciesMs.length, passes: latenciesMs.length >= neededQueries };
}
