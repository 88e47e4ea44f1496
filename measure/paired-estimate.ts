/**
 * Speedups with confidence intervals. Paired: from the block medians of an interleaved
 * measurement (`interleave.ts`), one ratio per cycle (baseline ÷ variant, each the mean of
 * its blocks in that cycle), the estimate is the median of those ratios over every cycle of
 * every round, and the 95% interval comes from a two-level bootstrap (rounds, then cycles
 * within each round), so a process that landed in a slow mode widens the interval instead
 * of hiding in it. Unpaired (two EPs, two machines): the ratio of the two sides' median
 * block medians, bootstrapped the same way on each side independently.
 */
import { seededRandom, type Random } from "./random.ts";
import { percentile } from "./statistics.ts";

/** The median of one block of back-to-back runs of one variant. */
export interface BlockMedian {
  /** 1-based round (a fresh process) the block ran in. */
  readonly round: number;
  /** 0-based cycle within the round. */
  readonly cycle: number;
  /** Variant name, e.g. `int8`. */
  readonly variant: string;
  /** Runs in the block. */
  readonly runs: number;
  /** Median time of one run in the block, ms. */
  readonly medianMs: number;
}

/** Whether a speedup is real at 95%: the interval is above 1, below 1, or covers it. */
export type Verdict = "faster" | "slower" | "no clear difference";

/** A speedup of `variant` over `baseline` with its 95% interval. */
export interface SpeedupEstimate {
  /** Baseline time ÷ variant time (> 1: the variant is faster). */
  readonly speedup: number;
  /** 95% bootstrap interval of {@link speedup}. */
  readonly ci95: readonly [number, number];
  /** Paired cycles (or, unpaired, blocks on the smaller side) behind the estimate. */
  readonly pairs: number;
  /** Rounds (fresh processes) behind the estimate. */
  readonly rounds: number;
  readonly verdict: Verdict;
}

/** Bootstrap settings. */
export interface BootstrapOptions {
  /** Resamples; default 2000. */
  readonly resamples?: number;
  /** Seed of the resampling; default 1 (the same data give the same interval). */
  readonly seed?: number;
}

/** Fewest pairs (or blocks per side) an interval needs before it may call a difference. */
export const MIN_PAIRS = 3;

/**
 * The verdict of an interval: faster when it lies above 1, slower below, else no clear
 * difference; always no clear difference from fewer than {@link MIN_PAIRS} pairs (a bootstrap
 * of one or two values has no width to speak of).
 */
export function verdictOf(ci95: readonly [number, number], pairs = MIN_PAIRS): Verdict {
  if (pairs < MIN_PAIRS) return "no clear difference";
  if (ci95[0] > 1) return "faster";
  if (ci95[1] < 1) return "slower";
  return "no clear difference";
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** Per round, the cycle ratios baseline ÷ variant (cycles lacking either side are left out). */
export function cycleRatios(blocks: readonly BlockMedian[], baseline: string, variant: string): Map<number, number[]> {
  const cycles = new Map<string, { round: number; base: number[]; other: number[] }>();
  for (const b of blocks) {
    if (b.variant !== baseline && b.variant !== variant) continue;
    const key = `${b.round}/${b.cycle}`;
    const c = cycles.get(key) ?? { round: b.round, base: [], other: [] };
    (b.variant === baseline ? c.base : c.other).push(b.medianMs);
    cycles.set(key, c);
  }
  const byRound = new Map<number, number[]>();
  for (const c of cycles.values()) {
    if (c.base.length === 0 || c.other.length === 0) continue;
    const ratio = mean(c.base) / mean(c.other);
    if (!Number.isFinite(ratio) || ratio <= 0) continue;
    byRound.set(c.round, [...(byRound.get(c.round) ?? []), ratio]);
  }
  return new Map([...byRound].sort((a, b) => a[0] - b[0]));
}

/** Draws `xs.length` values from `xs` with replacement. */
function resample<T>(xs: readonly T[], random: Random): T[] {
  return Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)]!);
}

/** The 2.5th and 97.5th percentiles of bootstrap replicates of `statistic` over two-level resamples of `groups`. */
function bootstrapInterval(
  groups: readonly (readonly number[])[],
  statistic: (drawn: number[][]) => number,
  o: BootstrapOptions,
  random: Random,
): [number, number] {
  const resamples = o.resamples ?? 2000;
  const reps: number[] = [];
  for (let i = 0; i < resamples; i++) {
    // With one group, resampling groups is a no-op: only the values inside it are drawn.
    const picked = groups.length > 1 ? resample(groups, random) : groups;
    reps.push(statistic(picked.map((g) => resample(g, random))));
  }
  reps.sort((a, b) => a - b);
  return [percentile(reps, 2.5), percentile(reps, 97.5)];
}

/**
 * The paired speedup of `variant` over `baseline` from interleaved block medians (any number
 * of rounds); null when no cycle holds both.
 */
export function pairedSpeedup(blocks: readonly BlockMedian[], baseline: string, variant: string, o: BootstrapOptions = {}): SpeedupEstimate | null {
  const byRound = cycleRatios(blocks, baseline, variant);
  const groups = [...byRound.values()];
  const all = groups.flat();
  if (all.length === 0) return null;
  const random = seededRandom(o.seed ?? 1);
  const ci95 = all.length === 1 ? ([all[0]!, all[0]!] as [number, number]) : bootstrapInterval(groups, (drawn) => median(drawn.flat()), o, random);
  return { speedup: median(all), ci95, pairs: all.length, rounds: groups.length, verdict: verdictOf(ci95, all.length) };
}

/**
 * The unpaired speedup of one side over another (measured in different processes), each
 * side given as its block medians per round, ms: median(baseline) ÷ median(variant), with a
 * two-level bootstrap drawn on each side independently. Null when a side has no block.
 */
export function unpairedSpeedup(
  baseline: readonly (readonly number[])[],
  variant: readonly (readonly number[])[],
  o: BootstrapOptions = {},
): SpeedupEstimate | null {
  const a = baseline.filter((g) => g.length > 0);
  const b = variant.filter((g) => g.length > 0);
  if (a.length === 0 || b.length === 0) return null;
  const random = seededRandom(o.seed ?? 1);
  const resamples = o.resamples ?? 2000;
  const draw = (groups: readonly (readonly number[])[]) => median((groups.length > 1 ? resample(groups, random) : groups).flatMap((g) => resample(g, random)));
  const reps: number[] = [];
  for (let i = 0; i < resamples; i++) reps.push(draw(a) / draw(b));
  reps.sort((x, y) => x - y);
  const ci95: [number, number] = [percentile(reps, 2.5), percentile(reps, 97.5)];
  const pairs = Math.min(a.flat().length, b.flat().length);
  return { speedup: median(a.flat()) / median(b.flat()), ci95, pairs, rounds: Math.min(a.length, b.length), verdict: verdictOf(ci95, pairs) };
}
