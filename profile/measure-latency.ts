/**
 * Latency measurement of one row with tinybench: warm-up by time and count, then runs
 * until both a minimum time and count are met, all cut to fit a per-row time budget.
 * The measured function is the caller's closure over a reused feeds object, so the
 * harness adds no allocation per iteration beyond ORT's own outputs.
 */
import { Bench } from "tinybench";
import type { MeasureSettings } from "./profile-options.ts";

/** Tinybench settings for one row after fitting the budget. */
export interface FittedSettings {
  readonly warmupTimeMs: number;
  readonly warmupIterations: number;
  readonly timeMs: number;
  readonly iterations: number;
}

/**
 * Fits warm-up and measurement into `settings.rowBudgetMs` given an estimate of one run
 * (ms): up to 20% of the budget for warm-up (none when one run does not fit: the
 * estimating run was the warm-up), 80% for measurement; at least 3 samples when 3 runs
 * fit in the whole budget, else 1.
 */
export function fitToBudget(settings: MeasureSettings, estimateMs: number): FittedSettings {
  const est = Math.max(estimateMs, 1e-3);
  const warmBudget = settings.rowBudgetMs * 0.2;
  const runBudget = settings.rowBudgetMs * 0.8;
  const floor = 3 * est <= settings.rowBudgetMs ? 3 : 1;
  return {
    warmupTimeMs: Math.min(settings.warmupTimeMs, warmBudget),
    warmupIterations: Math.min(settings.warmupIterations, Math.floor(warmBudget / est)),
    timeMs: Math.min(settings.minTimeMs, runBudget),
    iterations: Math.max(floor, Math.min(settings.minIterations, Math.floor(runBudget / est))),
  };
}

/**
 * Settings for a row whose cold first run (`firstRunMs`, ms) exceeded twice the row budget:
 * one sample, no estimate or warm-up; else null. (A first run only somewhat over budget is
 * often a one-off compile, e.g. WebGPU shaders, not the cost of a run.)
 */
export function singleSampleSettings(settings: MeasureSettings, firstRunMs: number): FittedSettings | null {
  return firstRunMs >= 2 * settings.rowBudgetMs ? { warmupTimeMs: 0, warmupIterations: 0, timeMs: 0, iterations: 1 } : null;
}

/** Raw samples (ms per call) and the settings used. */
export interface LatencySamples {
  readonly samples: number[];
  readonly fitted: FittedSettings;
}

/**
 * Measures `fn` (one inference) with tinybench under `settings`, after one timed call
 * to estimate its cost, skipped when `firstRunMs` (the caller's first call, ms) already
 * exceeds twice the row budget: then one sample is taken ({@link singleSampleSettings}). Throws the task's error if `fn` throws.
 */
export async function measureLatency(fn: () => Promise<unknown>, settings: MeasureSettings, firstRunMs = 0): Promise<LatencySamples> {
  let fitted = singleSampleSettings(settings, firstRunMs);
  if (!fitted) {
    const t0 = performance.now();
    await fn();
    fitted = fitToBudget(settings, performance.now() - t0);
  }
  const bench = new Bench({
    time: fitted.timeMs,
    iterations: fitted.iterations,
    warmup: fitted.warmupIterations > 0,
    warmupTime: fitted.warmupTimeMs,
    warmupIterations: fitted.warmupIterations,
    retainSamples: true,
    throws: true,
  });
  // async: true, or tinybench calls fn once un-awaited to detect it, starting a stray concurrent run.
  bench.add("run", fn, { async: true });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || (result.state !== "completed" && result.state !== "aborted-with-statistics")) {
    throw new Error(`tinybench did not complete (state ${result?.state ?? "none"})`);
  }
  return { samples: [...(result.latency.samples ?? [])], fitted };
}
