/**
 * The EP registry: one table of runners and a resolver. The resolver validates names
 * (one message listing every unknown name and the valid ones) and probes each chosen EP,
 * collecting every failure so an EP that cannot start becomes a `skipped` row.
 */
import { browserEpRunners } from "./browser/browser-eps.ts";
import type { EpFacts, EpRunner } from "./ep-runner.ts";
import { cpuEp } from "./eps/cpu-ep.ts";
import { cudaEp } from "./eps/cuda-ep.ts";
import { webgpuEp } from "./eps/webgpu-ep.ts";
import { didYouMean } from "../formats/did-you-mean.ts";

/** The onnxruntime-node EPs, in the order rows are measured. */
export const nodeEpRunners: readonly EpRunner[] = [cpuEp, cudaEp, webgpuEp];

/** A registry: the runners it knows, by name, in table order. */
export interface EpRegistry {
  readonly runners: readonly EpRunner[];
}

/** The default registry: onnxruntime-node's EPs, then onnxruntime-web's in headless Chromium (`browser-wasm`, `browser-webgpu`). */
export function defaultEpRegistry(): EpRegistry {
  return { runners: [...nodeEpRunners, ...browserEpRunners] };
}

/**
 * Parses `--eps` (comma-separated, or a list) against the registry; undefined or empty
 * means every EP. Throws one error naming every unknown EP and listing the valid ones:
 * `Unknown EP "cudaa". Expected one of: cpu, cuda, webgpu`.
 */
export function selectEps(registry: EpRegistry, names?: readonly string[] | string): EpRunner[] {
  const list = (typeof names === "string" ? names.split(",") : (names ?? []).flatMap((n) => n.split(",")))
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n.length > 0);
  if (list.length === 0) return [...registry.runners];
  const valid = registry.runners.map((r) => r.name);
  const unknown = list.filter((n) => !valid.includes(n));
  if (unknown.length > 0) {
    const quoted = unknown.map((n) => `"${n}"`).join(", ");
    throw new Error(`Unknown EP${unknown.length > 1 ? "s" : ""} ${quoted}. Expected one of: ${valid.join(", ")}${didYouMean(unknown, valid)}`);
  }
  return registry.runners.filter((r) => list.includes(r.name));
}

/** The outcome of probing one EP. */
export type EpStatus =
  | { readonly name: string; readonly state: "available"; readonly facts: EpFacts }
  | { readonly name: string; readonly state: "skipped"; readonly reason: string; readonly fix: string };

/** How to probe one runner; the profiler probes in a child process, tests call `probe()` directly. */
export type ProbeFn = (runner: EpRunner) => Promise<{ available: true; facts: EpFacts } | { available: false; reason: string; fix: string }>;

/** Probes each runner (in order) and collects every outcome; a throwing probe becomes `skipped`. */
export async function resolveEps(runners: readonly EpRunner[], probe: ProbeFn = (r) => r.probe()): Promise<EpStatus[]> {
  const out: EpStatus[] = [];
  for (const runner of runners) {
    try {
      const result = await probe(runner);
      out.push(
        result.available
          ? { name: runner.name, state: "available", facts: result.facts }
          : { name: runner.name, state: "skipped", reason: result.reason, fix: result.fix },
      );
    } catch (e) {
      out.push({ name: runner.name, state: "skipped", reason: `probe failed: ${(e as Error).message}`, fix: "run with DEBUG=1 for details" });
    }
  }
  return out;
}

/** One message listing every EP that cannot run, e.g. for a run where none can. */
export function describeSkippedEps(statuses: readonly EpStatus[]): string {
  return statuses
    .filter((s): s is Extract<EpStatus, { state: "skipped" }> => s.state === "skipped")
    .map((s) => `[${s.name}] ${s.reason} Fix: ${s.fix}`)
    .join("\n");
}
