/**
 * From the profile options to what a scenario child is told (`ScenarioSettings`): the
 * measuring times come from the row's measurement settings, the server bound from
 * `--latency-bound` or the EP's default.
 */
import { cpus } from "node:os";
import type { MeasureSettings } from "../formats/options/profile-options.ts";
import type { ScenarioSettings } from "../formats/run/scenario-schema.ts";
import { EARLY_STOPPING_CONFIDENCE, minPassingQueries } from "../measure/index.ts";

/**
 * Default p99 bound of the server scenario per EP, ms: MLPerf Inference's ResNet-50 server
 * bound (15 ms) on the CPU and CUDA EPs; 100 ms on WebGPU (a software adapter takes 32 ms
 * for one LeNet image) and any other EP.
 */
export const DEFAULT_LATENCY_BOUND_MS: Readonly<Record<string, number>> = { cpu: 15, cuda: 15, webgpu: 100 };

/** Bound of an EP with no entry in {@link DEFAULT_LATENCY_BOUND_MS}, ms. */
export const FALLBACK_LATENCY_BOUND_MS = 100;

/** The percentile the server scenario holds to its bound (MLPerf's Server: p99). */
export const SERVER_PERCENTILE = 0.99;

/** The server bound on `ep`: the user's, else the EP's default. */
export function latencyBoundFor(ep: string, userBoundMs: number | undefined): number {
  return userBoundMs ?? DEFAULT_LATENCY_BOUND_MS[ep] ?? FALLBACK_LATENCY_BOUND_MS;
}

/**
 * The scenario settings of a child on `ep`: each precision gets `min(minTimeMs, 0.8 × rowBudgetMs)`
 * per in-flight count (offline) or per tried rate (server), in blocks 5× the paired child's
 * (at least 50 ms, so N requests in flight settle); the server's trials hold at least twice the
 * queries early stopping needs to pass p99 with one query over the bound. The in-flight sweep
 * stops at 64, and on the CPU EP at 4 × the logical CPUs (beyond, threads only oversubscribe
 * the cores, and on a shared machine take a larger share of them from other tenants).
 */
export function scenarioSettings(measure: MeasureSettings, ep: string, userBoundMs: number | undefined, logicalCpus = cpus().length): ScenarioSettings {
  const pointMs = Math.min(measure.minTimeMs, 0.8 * measure.rowBudgetMs);
  return {
    pointMs,
    blockMs: Math.max(50, 5 * measure.blockMs),
    warmupMs: measure.warmupTimeMs,
    maxInFlight: ep === "cpu" ? Math.min(64, 4 * logicalCpus) : 64,
    minGain: 0.05,
    latencyBoundMs: latencyBoundFor(ep, userBoundMs),
    percentile: SERVER_PERCENTILE,
    confidence: EARLY_STOPPING_CONFIDENCE,
    trialMs: Math.max(pointMs, 500),
    minQueries: 2 * (minPassingQueries(1, SERVER_PERCENTILE, EARLY_STOPPING_CONFIDENCE) + 1),
    rateTolerance: 0.05,
    maxTrials: 12,
  };
}
