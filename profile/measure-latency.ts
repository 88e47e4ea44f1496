/**
 * From the profile stage's measurement settings to one paired child's interleaving
 * settings (`measure/interleave.ts`): every variant gets the row's measuring time, the
 * whole child stays within the variants' row budgets, and blocks last about `blockMs`.
 */
import type { InterleaveSettings } from "../measure/index.ts";
import type { MeasureSettings } from "../formats/options/profile-options.ts";

/**
 * The interleaving settings of a paired child measuring `variants` variants at one batch:
 * measuring time `variants × min(minTimeMs, 0.8 × rowBudgetMs)`, hard limit
 * `variants × rowBudgetMs`; `firstRunMs` (the slowest variant's first run at this batch)
 * over that limit means single-run blocks and no warm-up.
 */
export function interleaveSettings(measure: MeasureSettings, variants: number, seed: number, firstRunMs = 0): InterleaveSettings {
  return {
    warmupTimeMs: measure.warmupTimeMs,
    warmupIterations: measure.warmupIterations,
    measureMs: variants * Math.min(measure.minTimeMs, 0.8 * measure.rowBudgetMs),
    maxMs: variants * measure.rowBudgetMs,
    blockMs: measure.blockMs,
    minCycles: measure.minCycles,
    minRuns: measure.minIterations,
    seed,
    firstRunMs,
  };
}

/**
 * Runs after the first one whose peak RSS the facts child reads (arenas grow on the first
 * runs), as many as fit in a tenth of the row budget: a software GPU adapter's slow runs
 * (0.7 s at batch 32) allocate on the first and would only cost time.
 */
export const RSS_RUNS = 3;

/**
 * Runs after the first one that the facts pass makes before reading peak memory: up to
 * {@link RSS_RUNS}, each while the runs so far (counting the first) stay under a tenth of
 * the row budget, `firstRunMs` each.
 */
export function rssRuns(firstRunMs: number, rowBudgetMs: number): number {
  let n = 0;
  while (n < RSS_RUNS && (n + 1) * firstRunMs < 0.1 * rowBudgetMs) n++;
  return n;
}
