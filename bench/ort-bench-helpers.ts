/** Small onnxruntime-node helpers shared by the bench sections: a synthetic feed, per-op kernel times. */
import type { InterleaveSettings } from "../measure/index.ts";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

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

/** Kernel time per op type (µs per run: per-node medians over the runs, summed) from an ORT profile of `runs` runs at `batch`. */
export async function kernelTimes(path: string, batch: number, runs: number): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), "ort-profile-"));
  try {
    const session = await ort.InferenceSession.create(path, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      enableProfiling: true,
      profileFilePrefix: join(dir, "quant"),
      logSeverityLevel: 3,
    });
    const feed = syntheticFeed(session, batch);
    for (let i = 0; i < runs; i++) await session.run(feed);
    session.endProfiling();
    await session.release();
    const file = (await readdir(dir)).find((f) => f.endsWith(".json"));
    if (!file) return {};
    const events = JSON.parse(await readFile(join(dir, file), "utf8")) as { name?: string; dur?: number; args?: { op_name?: string } }[];
    const perNode = new Map<string, { op: string; durs: number[] }>();
    for (const e of events) {
      if (!e.name?.endsWith("_kernel_time") || !e.args?.op_name) continue;
      const entry = perNode.get(e.name) ?? { op: e.args.op_name, durs: [] };
      entry.durs.push(e.dur ?? 0);
      perNode.set(e.name, entry);
    }
    const totals: Record<string, number> = {};
    for (const { op, durs } of perNode.values()) totals[op] = (totals[op] ?? 0) + median(durs);
    return Object.fromEntries(
      Object.entries(totals)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => [k, Math.round(v)]),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
