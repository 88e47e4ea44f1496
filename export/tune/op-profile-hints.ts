/**
 * The per-op profile's suggestion for the INT8 tuner: time FP32 and the every-node INT8 with
 * ORT's profiler (one kernel-time event per node and run, read by `ort/`), attribute each kernel to the
 * weighted node it came from (ORT keeps the node's name as a prefix: `conv1/Conv_token_5`,
 * `conv1/Conv_nchwc`…), and keep float the weighted nodes whose int8 kernel is slower than
 * their fp32 one.
 */
import type * as ort from "onnxruntime-node";
import { kernelEvents, kernelsByNode, profileOrtSession } from "../../ort/index.ts";

/** Kernel time per node key, µs per run (median over runs of each profiled node, summed over the nodes attributed to the key). */
export type NodeTimes = ReadonlyMap<string, number>;

/**
 * The node key a profiled kernel belongs to: the key whose alias (its name, its outputs, the
 * output of an activation ORT fused into it) is the longest prefix of the kernel's name
 * (`fused ` stripped); undefined when none is.
 */
export function attributeKernel(profiledName: string, aliases: ReadonlyMap<string, string>): string | undefined {
  const name = profiledName.replace(/^fused /, "");
  let best: string | undefined;
  for (const alias of aliases.keys()) if (alias && name.startsWith(alias) && (!best || alias.length > best.length)) best = alias;
  return best === undefined ? undefined : aliases.get(best);
}

/** Sums per-kernel medians (µs) by the node key each kernel is attributed to. */
export function nodeTimes(kernels: ReadonlyMap<string, readonly number[]>, aliases: ReadonlyMap<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, durs] of kernels) {
    const key = attributeKernel(name, aliases);
    if (!key || durs.length === 0) continue;
    const s = [...durs].sort((a, b) => a - b);
    out.set(key, (out.get(key) ?? 0) + (s[Math.floor(s.length / 2)] ?? 0));
  }
  return out;
}

/** The keys whose int8 time exceeds their fp32 time (both measured), in `keys` order. */
export function slowerInInt8(fp32: NodeTimes, int8: NodeTimes, keys: readonly string[]): string[] {
  return keys.filter((k) => (int8.get(k) ?? 0) > (fp32.get(k) ?? Infinity));
}

/** Per-node kernel durations (µs) of `runs` runs of `model` on `feed`, from ORT's profiler (CPU EP). */
export async function profileKernels(
  model: Uint8Array,
  feed: Record<string, ort.Tensor>,
  runs: number,
  intraOpThreads: number,
): Promise<Map<string, number[]>> {
  const settings = { executionProviders: ["cpu"], graphOptimization: "all", intraOpThreads, logLevel: 3 } as const;
  const events = await profileOrtSession(model, settings, async (session) => {
    for (let i = 0; i < runs; i++) await session.run(feed);
  });
  return new Map([...kernelsByNode(kernelEvents(events))].map(([node, k]) => [node, k.durUs]));
}
