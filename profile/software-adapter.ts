/**
 * Rows on a software GPU adapter (SwiftShader: WebGPU emulated on the CPU, what a machine
 * without a GPU gets) cost the most time of a default run (shader compiles in every child)
 * and say the least: their times are the CPU's, not a GPU's. They are measured lighter:
 * one timing round (of the per-round budget every row gets), accuracy on a 1-second slice
 * (a check that the kernels compute the right thing, not a figure to compare), a per-op
 * pass of 3 runs (enough to show which ops the EP placed where). Each such row carries a `software-adapter` warning saying so.
 * Which jobs are on one is decided once, when the plan is built: each job's `softwareAdapter`
 * (formats/run/run-plan.ts, by formats/run/software-adapter-fact.ts); the rules here read it.
 */
import type { Warning } from "../formats/run/results-schema.ts";
import type { PlannedJob } from "../formats/run/run-plan.ts";
import type { EpStatus } from "./ep-registry.ts";
import type { MeasureSettings } from "../formats/options/profile-options.ts";

/** Accuracy budget of a facts child on a software adapter, ms. */
export const SOFTWARE_ADAPTER_ACCURACY_MS = 1000;

/** The probe's outcomes, as the plan records them. */
type EpStatuses = readonly EpStatus[];

/** The adapter's name from the probe's facts (node: inferred from the Vulkan ICD; browser: the adapter info). */
function adapterName(eps: EpStatuses, ep: string): string {
  const status = eps.find((e) => e.name === ep);
  const f = status?.state === "available" ? status.facts : {};
  return [f["adapterVendor"] ?? f["vendor"], f["adapterArchitecture"] ?? f["architecture"]].filter((x) => x && x !== "unknown").join(" ") || "SwiftShader";
}

/** Timing rounds of a job's rows: one on a software adapter, else the run's. */
export function roundsOn(job: Pick<PlannedJob, "softwareAdapter">, rounds: number): number {
  return job.softwareAdapter ? Math.min(1, rounds) : rounds;
}

/** Runs of the per-op pass on a software adapter. */
export const SOFTWARE_ADAPTER_PROFILE_RUNS = 3;

/** A facts child's settings on a software adapter: a short accuracy slice, a short per-op pass. */
export function softwareAdapterFacts(measure: MeasureSettings): MeasureSettings {
  return {
    ...measure,
    accuracyBudgetMs: Math.min(measure.accuracyBudgetMs, SOFTWARE_ADAPTER_ACCURACY_MS),
    profileIterations: Math.min(measure.profileIterations, SOFTWARE_ADAPTER_PROFILE_RUNS),
  };
}

/** The warning every software-adapter row carries (`eps`: the plan's probes, which name the adapter). */
export function softwareAdapterWarning(eps: EpStatuses, ep: string, rounds: number): Warning {
  const adapter = adapterName(eps, ep);
  return {
    code: "software-adapter",
    text:
      `${ep} ran on a software adapter (${adapter}: the GPU emulated on the CPU), so its times are the CPU's: ` +
      `measured lighter (1 timing round${rounds > 1 ? ` of ${rounds}` : ""}, accuracy on a ${SOFTWARE_ADAPTER_ACCURACY_MS / 1000} s slice, per-op pass of ${SOFTWARE_ADAPTER_PROFILE_RUNS} runs)`,
    figures: { rounds: 1, accuracyBudgetMs: SOFTWARE_ADAPTER_ACCURACY_MS, profileRuns: SOFTWARE_ADAPTER_PROFILE_RUNS },
  };
}
