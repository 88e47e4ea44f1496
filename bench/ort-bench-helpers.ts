/** Small onnxruntime-node helpers shared by the bench sections: a synthetic feed, per-op kernel times. */
import type { InterleaveSettings } from "../measure/index.ts";
import * as ort from "onnxruntime-node";
import { kernelEvents, kernelsByNode, profileOrtSession } from "../ort/index.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** A deterministic float32 feed for the session's first input, batch axis set to `batch` (other symbolic dims 1). */
/** The interleaving every ORT bench section times with: 100 ms / 10 runs of warm-up, 15 ms blocks, at least 10 cycles, up to 3× the measuring time (`measureMs`). */
export function benchInterleave(measureMs: number, seed: number): InterleaveSettings {
  return { warmupTimeMs: 100, warmupIterations: 10, measureMs, maxMs: measureMs * 3, blockMs: 15, minCycles: 10, seed };
}

export function syntheticFeed(session: ort.InferenceSession, batch: number): Record<string, ort.Tensor> {
  const input = session.inputMetadata[0];
  if (!input || !input.isTensor) throw new Error("The model has no tensor input.");
  const dims = input.shape.map((d, i) => (i === 0 ? batch : typeof d === "number" && d > 0 ? d : 1));
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7919) % 256) / 255);
  return { [input.name]: new ort.Tensor("float32", data, dims) };
}

/** Kernel time per op type (µs per run: per-node medians over the runs, summed, rounded to whole µs) from an ORT profile of `runs` runs at `batch`. */
export async function kernelTimes(path: string, batch: number, runs: number): Promise<Record<string, number>> {
  const events = await profileOrtSession(path, { executionProviders: ["cpu"], graphOptimization: "all", logLevel: 3 }, async (session) => {
    const feed = syntheticFeed(session, batch);
    for (let i = 0; i < runs; i++) await session.run(feed);
  });
  const totals: Record<string, number> = {};
  for (const { opType, durUs } of kernelsByNode(kernelEvents(events).filter((k) => k.opType)).values())
    if (opType) totals[opType] = (totals[opType] ?? 0) + median(durUs);
  return Object.fromEntries(
    Object.entries(totals)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => [k, Math.round(v)]),
  );
}
