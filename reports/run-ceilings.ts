/** Measures (when not cached) the ceilings of the EPs a run used, for its report's roofline. */
import { ensureCeilings, type EpCeilings, defaultEpRegistry } from "../profile/index.ts";
import { readRunResults } from "../formats/run/results-schema.ts";
import { artifactsRootOf } from "./load-run.ts";

/**
 * Reads `runDir`'s hardware and available EPs and makes sure their ceilings are cached
 * under the run's artifacts root (the CPU EP is measured when missing: one round, about
 * 10 s on a 2-core machine). Returns every cached entry of the machine.
 */
export async function ensureRunCeilings(runDir: string, log: (line: string) => void = () => {}): Promise<EpCeilings[]> {
  const results = await readRunResults(runDir);
  // GPU EPs on a software adapter (SwiftShader) are left to the bench: their ceilings are the CPU's, slowly.
  const available = new Set(results.eps.filter((e) => e.state === "available" && e.facts.softwareFallback !== "yes").map((e) => e.name));
  const runners = defaultEpRegistry().runners.filter((r) => available.has(r.name));
  return ensureCeilings(artifactsRootOf(runDir), results.hardware, runners, log);
}
