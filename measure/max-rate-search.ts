/**
 * The Server scenario's answer: the highest offered rate whose latency percentile stays under
 * the bound. Brackets the rate by doubling or halving from a first guess, then bisects
 * until the bracket is narrower than the tolerance (loadgen's own search is a human
 * adjusting `target_qps` between runs; this automates it).
 */

/** One tried rate. */
export interface RateTrial {
  readonly ratePerS: number;
  readonly passes: boolean;
}

/** Search settings. */
export interface MaxRateOptions {
  /** First rate tried, per second (e.g. 1 ÷ the single-stream time). */
  readonly startRatePerS: number;
  /** Stop when (highest failing − highest passing) ÷ highest passing is at most this (default 0.05). */
  readonly relTolerance?: number;
  /** Trials at most (default 16). */
  readonly maxTrials?: number;
}

/** The search's result. */
export interface MaxRate {
  /** Highest rate that passed, per second (0 when none did). */
  readonly maxRatePerS: number;
  /** Lowest rate above it that failed (Infinity when none did). */
  readonly failedRatePerS: number;
  /** True when the bracket closed within the tolerance before the trials ran out. */
  readonly converged: boolean;
  readonly trials: RateTrial[];
}

/** Finds the highest rate at which `passes(rate)` holds, assuming it holds below some rate and fails above. */
export async function searchMaxRate(passes: (ratePerS: number) => Promise<boolean>, o: MaxRateOptions): Promise<MaxRate> {
  const tol = o.relTolerance ?? 0.05;
  const maxTrials = o.maxTrials ?? 16;
  if (!(o.startRatePerS > 0)) throw new Error(`startRatePerS must be a positive rate per second; got ${o.startRatePerS}`);
  const trials: RateTrial[] = [];
  let lo = 0;
  let hi = Infinity;
  const tryRate = async (rate: number) => {
    const ok = await passes(rate);
    trials.push({ ratePerS: rate, passes: ok });
    if (ok) lo = Math.max(lo, rate);
    else hi = Math.min(hi, rate);
  };
  const closed = () => lo > 0 && hi < Infinity && (hi - lo) / lo <= tol;
  await tryRate(o.startRatePerS);
  // Bracket: double up while passing, halve down while failing.
  while (trials.length < maxTrials && (hi === Infinity || lo === 0)) await tryRate(hi === Infinity ? lo * 2 : hi / 2);
  while (trials.length < maxTrials && !closed()) await tryRate((lo + hi) / 2);
  return { maxRatePerS: lo, failedRatePerS: hi, converged: closed(), trials };
}
