/**
 * The ceilings a profile run's report needs: read from the cache, and measured (one
 * round, about 10 s on a 2-core machine) for the EPs that lack them and are cheap to
 * measure here (the CPU EP; other EPs come from `npm run bench -- ceilings` or a cache).
 */
import type { EpRunner } from "../ep-runner.ts";
import type { Hardware } from "../../formats/run/results-schema.ts";
import { readCeilings, writeCeilings, type EpCeilings } from "../../formats/run/ceiling-cache.ts";
import { measureCeilings } from "./measure-ceilings.ts";
import { procCpuinfoClock, theoreticalPeak } from "./theoretical-peak.ts";
import { gpuDatasheet } from "./gpu-datasheet.ts";

/**
 * EPs whose ceilings a profile run measures itself when the cache lacks them: the CPU EP and
 * the GPU EPs on a real adapter (the caller leaves software adapters out); the browser EPs
 * come from `npm run bench -- ceilings`.
 */
export const AUTO_CEILING_EPS: readonly string[] = ["cpu", "cuda", "webgpu"];

/**
 * Returns the cached ceilings of `hw`, first measuring those of `runners` (limited to
 * {@link AUTO_CEILING_EPS}) that are missing, and writing them to the cache under `out`.
 */
export async function ensureCeilings(out: string, hw: Hardware, runners: readonly EpRunner[], log: (line: string) => void = () => {}): Promise<EpCeilings[]> {
  const cached = await readCeilings(out, hw);
  const todo = runners.filter((r) => AUTO_CEILING_EPS.includes(r.name) && !cached.some((c) => c.ep === r.name));
  if (todo.length === 0) return cached;
  const measured: EpCeilings[] = [];
  for (const runner of todo) {
    log(`ceilings: measuring the ${runner.name} EP's compute and bandwidth ceilings (one round; npm run bench -- ceilings measures three)`);
    const c = await measureCeilings(runner, { rounds: 1 });
    const sheet = runner.name === "cpu" ? undefined : gpuDatasheet(hw);
    measured.push(runner.name === "cpu" ? { ...c, theoretical: theoreticalPeak(hw, await procCpuinfoClock()) } : sheet ? { ...c, datasheet: sheet } : c);
  }
  await writeCeilings(out, hw, measured);
  return readCeilings(out, hw);
}
