/**
 * Interleaved measurement: the variants being compared (FP32 and INT8 of one model, two
 * candidate INT8 recipes…) are timed in short blocks that alternate in a balanced order
 * (`paired-order.ts`) inside one process, after every variant is warm, so a change in the
 * machine's speed hits every variant alike and cancels from their ratio
 * (`paired-estimate.ts`). Each variant's own samples still give its absolute figures.
 *
 * The timers are abstract ({@link BlockTimer}): onnxruntime-node sessions in a child
 * process, onnxruntime-web sessions in a browser page, or fakes with a virtual clock.
 */
import { seededRandom } from "./random.ts";
import { cycleOrder } from "./paired-order.ts";
import type { BlockMedian } from "./paired-estimate.ts";
import { percentile } from "./statistics.ts";

/** Times one variant. */
export interface BlockTimer {
  /** Variant name, e.g. `int8`. */
  readonly name: string;
  /** Runs `runs` inferences back to back; resolves each one's time, ms. */
  runBlock(runs: number): Promise<number[]>;
}

/** How long and in what pieces to measure. */
export interface InterleaveSettings {
  /** Warm-up per variant: at least this long, ms (cut to fit `maxMs`). */
  readonly warmupTimeMs: number;
  /** Warm-up per variant: at least this many runs (cut to fit `maxMs`). */
  readonly warmupIterations: number;
  /** Measuring time of all variants together, ms: cycles run until it is spent and `minCycles` ran. */
  readonly measureMs: number;
  /** Hard limit on warm-up plus measuring, ms: no cycle starts past it once one cycle ran. */
  readonly maxMs: number;
  /** Target duration of one block, ms (a block has at least one run). */
  readonly blockMs: number;
  /** Cycles to run at least (within `maxMs`). */
  readonly minCycles: number;
  /** Measured runs per variant to take at least (within `maxMs`); default 0. */
  readonly minRuns?: number;
  /** Seed of the block order. */
  readonly seed: number;
  /**
   * A first run (ms) already taken by the caller; when it exceeds `maxMs`, there is no
   * warm-up and every block is one run (a software GPU adapter at a large batch).
   */
  readonly firstRunMs?: number;
  /** Clock, ms; default `performance.now` (tests pass a virtual one). */
  readonly now?: () => number;
  /** Stops after the current block when aborted. */
  readonly signal?: AbortSignal;
}

/** What {@link measureInterleaved} measured. */
export interface InterleavedResult {
  /** Every measured run of each variant (warm-up excluded), ms, in the order of `timers`. */
  readonly samples: readonly number[][];
  /** One entry per block (round 1; the caller renumbers rounds). */
  readonly blocks: readonly BlockMedian[];
  /** Complete cycles run. */
  readonly cycles: number;
  /** Runs per block of each variant, in the order of `timers`. */
  readonly runsPerBlock: readonly number[];
}

const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/**
 * Warms every variant, sizes each variant's block to about `blockMs` of wall time from its
 * warm-up, then runs cycles of blocks in a balanced order until the measuring time is spent.
 * Throws the first error a timer throws.
 */
export async function measureInterleaved(timers: readonly BlockTimer[], s: InterleaveSettings): Promise<InterleavedResult> {
  if (timers.length === 0) throw new Error("measureInterleaved needs at least one variant");
  const now = s.now ?? (() => performance.now());
  const start = now();
  const slow = (s.firstRunMs ?? 0) > s.maxMs;
  // Per variant: wall time per run in the warm-up (ms), which sizes its blocks. Wall time, not
  // the timed calls' sum: between two awaited calls the event loop and ORT's thread hop add time.
  const wallPerRun: number[] = [];
  for (const t of timers) {
    if (slow) {
      wallPerRun.push(s.firstRunMs ?? 0);
      continue;
    }
    // Warm-up: one run to estimate, then up to warmupIterations / warmupTimeMs within a fair share of maxMs.
    const share = (s.maxMs * 0.2) / timers.length;
    const times = await t.runBlock(1);
    const t0 = now();
    let warmRuns = 0;
    while (times.length < s.warmupIterations || now() - t0 < s.warmupTimeMs) {
      const est = warmRuns > 0 ? (now() - t0) / warmRuns : median(times);
      if (now() - t0 + est > share) break;
      const byTime = Math.floor((s.warmupTimeMs - (now() - t0)) / Math.max(est, 1e-3));
      const n = Math.max(1, Math.min(1000, Math.max(s.warmupIterations - times.length, byTime)));
      times.push(...(await t.runBlock(n)));
      warmRuns += n;
    }
    wallPerRun.push(warmRuns > 0 ? (now() - t0) / warmRuns : median(times));
  }
  const runsPerBlock = wallPerRun.map((e) => (slow ? 1 : Math.max(1, Math.min(10_000, Math.round(s.blockMs / Math.max(e, 1e-4))))));
  const samples: number[][] = timers.map(() => []);
  const blocks: BlockMedian[] = [];
  const random = seededRandom(s.seed);
  const measureStart = now();
  let cycles = 0;
  for (;;) {
    const elapsed = now() - measureStart;
    const total = now() - start;
    if (
      cycles >= 1 &&
      (s.signal?.aborted || total >= s.maxMs || (elapsed >= s.measureMs && cycles >= s.minCycles && samples.every((x) => x.length >= (s.minRuns ?? 0))))
    )
      break;
    for (const v of cycleOrder(timers.length, random)) {
      const times = await timers[v]!.runBlock(runsPerBlock[v]!);
      samples[v]!.push(...times);
      blocks.push({ round: 1, cycle: cycles, variant: timers[v]!.name, runs: times.length, medianMs: median(times) });
    }
    cycles++;
  }
  return { samples, blocks, cycles, runsPerBlock };
}

/** A {@link BlockTimer} over an async function, timing each call with `performance.now`. */
export function functionTimer(name: string, run: () => Promise<unknown>): BlockTimer {
  return {
    name,
    async runBlock(runs: number) {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await run();
        out.push(performance.now() - t0);
      }
      return out;
    },
  };
}
