/**
 * Measures (when not cached) the ceilings of the EPs a run used, and records them in the run
 * directory's `ceilings.json` for its report's roofline.
 */
import { readRunResults } from "../../formats/run/results-schema.ts";
import { artifactsRootOf, ceilingCachePath, type EpCeilings } from "../../formats/run/ceiling-cache.ts";
import { writeRunCeilings } from "../../formats/run/run-ceilings.ts";
import { onSoftwareAdapter } from "../../formats/run/software-adapter-fact.ts";
import { defaultEpRegistry } from "../ep-registry.ts";
import { ensureCeilings } from "./ensure-ceilings.ts";

/**
 * Reads `runDir`'s hardware and available EPs, makes sure their ceilings are cached under the
 * run's artifacts root (the CPU EP is measured when missing: one round, about 10 s on a
 * 2-core machine), and writes every cached entry of the machine to `<runDir>/ceilings.json`.
 * Returns those entries.
 */
export async function recordRunCeilings(runDir: string, log: (line: string) => void = () => {}): Promise<EpCeilings[]> {
  const results = await readRunResults(runDir);
  // GPU EPs on a software adapter (SwiftShader) are left to the bench: their ceilings are the CPU's, slowly.
  const available = new Set(results.eps.filter((e) => e.state === "available" && !onSoftwareAdapter(e)).map((e) => e.name));
  const runners = defaultEpRegistry().runners.filter((r) => available.has(r.name));
  const root = artifactsRootOf(runDir);
  const ceilings = await ensureCeilings(root, results.hardware, runners, log);
  await writeRunCeilings(runDir, ceilingCachePath(root, results.hardware), ceilings);
  return ceilings;
}
