/**
 * Summarises an ONNX Runtime profiling trace (its events, read by `ort/profile-trace.ts`) into
 * kernel time per op type × EP and the allocator's arena figures. The first `model_run`
 * (kernel compilation, first allocations) is left out when later runs exist.
 */
import { kernelEvents, modelRunStartsUs, type OrtTraceEvent } from "../ort/index.ts";
import type { OpTime } from "../formats/run/results-schema.ts";

/** Per-op times and arena figures from one trace. */
export interface OpProfile {
  /** Sorted by time, largest first. */
  readonly ops: OpTime[];
  /** Arena figures in MiB when the trace has them (the CPU EP reports them), else null. */
  readonly arena: { heldMiB: number | null; inUsePeakMiB: number | null } | null;
  /** Runs the figures are averaged over. */
  readonly runs: number;
}

const MIB = 1024 * 1024;

/** Short EP name from ORT's provider name: `CPUExecutionProvider` → `cpu`, `WebGpuExecutionProvider` → `webgpu`. */
export function shortProvider(provider: string): string {
  return provider.replace(/ExecutionProvider$/, "").toLowerCase() || "unknown";
}

/** Summarises a parsed trace (its events, read by `ort/`'s reader): the per-node `Node` kernel times per op type × EP, ms per run. */
export function parseOrtTrace(events: readonly OrtTraceEvent[]): OpProfile {
  const runs = modelRunStartsUs(events);
  const cutoff = runs.length > 1 ? (runs[1] ?? 0) : -Infinity;
  const counted = runs.length > 1 ? runs.length - 1 : Math.max(1, runs.length);
  const byKey = new Map<string, { opType: string; provider: string; us: number; nodes: Set<string> }>();
  let held: number | null = null;
  let peak: number | null = null;
  for (const k of kernelEvents(events)) {
    if (k.cat !== "Node") continue;
    if (k.arenaHeldBytes !== undefined) held = Math.max(held ?? 0, k.arenaHeldBytes);
    if (k.inUsePeakBytes !== undefined) peak = Math.max(peak ?? 0, k.inUsePeakBytes);
    if (k.startUs < cutoff) continue;
    const opType = k.opType ?? "unknown";
    const provider = shortProvider(k.provider ?? "unknown");
    const key = `${opType}|${provider}`;
    const entry = byKey.get(key) ?? { opType, provider, us: 0, nodes: new Set<string>() };
    entry.us += k.durUs;
    entry.nodes.add(k.node);
    byKey.set(key, entry);
  }
  const total = [...byKey.values()].reduce((s, x) => s + x.us, 0);
  const ops = [...byKey.values()]
    .map((x) => ({ opType: x.opType, provider: x.provider, ms: x.us / 1000 / counted, share: total > 0 ? x.us / total : 0, nodes: x.nodes.size }))
    .sort((a, b) => b.ms - a.ms);
  // The WebGPU EP reports zeros (its memory is not in ORT's CPU arena): treat as not reported.
  if (!held && !peak) return { ops, arena: null, runs: counted };
  const arena = held === null && peak === null ? null : { heldMiB: held === null ? null : held / MIB, inUsePeakMiB: peak === null ? null : peak / MIB };
  return { ops, arena, runs: counted };
}
