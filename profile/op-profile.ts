/**
 * Parses an ONNX Runtime profiling trace (Chrome trace JSON from `enableProfiling`) into
 * kernel time per op type × EP and the allocator's arena figures. The first `model_run`
 * (kernel compilation, first allocations) is left out when later runs exist.
 */
import type { OpTime } from "../formats/run/results-schema.ts";

interface TraceEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: Record<string, unknown>;
}

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

/** Summarises a parsed trace (an array of events). */
export function parseOrtTrace(events: readonly TraceEvent[]): OpProfile {
  const runs = events.filter((e) => e.cat === "Session" && e.name === "model_run").sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const cutoff = runs.length > 1 ? (runs[1]?.ts ?? 0) : -Infinity;
  const counted = runs.length > 1 ? runs.length - 1 : Math.max(1, runs.length);
  const byKey = new Map<string, { opType: string; provider: string; us: number; nodes: Set<string> }>();
  let held: number | null = null;
  let peak: number | null = null;
  for (const e of events) {
    if (e.cat !== "Node" || !e.name?.endsWith("_kernel_time")) continue;
    const args = e.args ?? {};
    const h = Number(args.mem_arena_held);
    const p = Number(args.mem_in_use_peak);
    if (Number.isFinite(h) && args.mem_arena_held !== undefined) held = Math.max(held ?? 0, h);
    if (Number.isFinite(p) && args.mem_in_use_peak !== undefined) peak = Math.max(peak ?? 0, p);
    if ((e.ts ?? 0) < cutoff) continue;
    const opType = String(args.op_name ?? "unknown");
    const provider = shortProvider(String(args.provider ?? "unknown"));
    const key = `${opType}|${provider}`;
    const entry = byKey.get(key) ?? { opType, provider, us: 0, nodes: new Set<string>() };
    entry.us += e.dur ?? 0;
    entry.nodes.add(e.name);
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
