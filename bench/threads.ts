/**
 * `npm run bench -- threads`: what the intra-op thread count buys on this machine's CPU EP.
 * For lenet, basic-cnn and fcnn on MNIST (trained for 1 epoch and exported when missing),
 * FP32 and INT8, batch 1 and 32: every precision at ORT's default (`intraOpNumThreads: 0`,
 * its pool size read back) and at each other rung of the thread ladder (1, 2, 4, … up to the
 * logical CPUs), all interleaved in one window per batch; each rung's paired speedup over ORT's
 * default with its 95% interval, the fastest setting, and the scaling curve (img/s per setting).
 * Goal: the fastest setting ≥ 1.5× ORT's default for FP32 at batch 32 (the profile's headline rows).
 */
import { cpus, loadavg } from "node:os";
import * as ort from "onnxruntime-node";
import { exportModel } from "../export/index.ts";
import { functionTimer, measureInterleaved, pairedSpeedup, type SpeedupEstimate } from "../measure/index.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";
import { ortDefaultIntraOpThreads, readBackOrtDefaultThreads, readCpuTopology, threadLadder, withPoolReadBack } from "../profile/index.ts";
import { threadVariant } from "../formats/run/thread-variant.ts";
import { ensureTrained } from "../train/index.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";
import { syntheticFeed, benchInterleave } from "./ort-bench-helpers.ts";
import { join } from "node:path";

const MODELS = ["lenet", "basic-cnn", "fcnn"] as const;
const PRECISIONS = ["fp32", "int8"] as const;
const BATCHES = [1, 32] as const;
/** The goal: the fastest setting over ORT's default, FP32, batch 32. */
const GOAL_SPEEDUP = 1.5;

const r3 = (x: number) => Number(x.toFixed(3));
const round3 = (e: SpeedupEstimate | null) => e && { speedup: r3(e.speedup), ci95: e.ci95.map(r3), verdict: e.verdict, pairs: e.pairs };
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Variant {
  readonly name: string;
  readonly precision: string;
  /** intraOpNumThreads requested (0 = ORT's default). */
  readonly requested: number;
}

/** One interleaved window of every precision at ORT's default and at each timed rung, at `batch`. */
async function window(dir: string, batch: number, timed: readonly number[], quick: boolean): Promise<Record<string, unknown>> {
  const variants: Variant[] = PRECISIONS.flatMap((p) => [
    { name: p, precision: p, requested: 0 },
    ...timed.map((n) => ({ name: threadVariant(p, n), precision: p, requested: n })),
  ]);
  const sessions = new Map<string, { session: ort.InferenceSession; pool: number | null }>();
  try {
    for (const v of variants) {
      const { value, poolThreads } = await withPoolReadBack(() =>
        openOrtSession(
          join(dir, `model.${v.precision}.onnx`),
          // the sessions take turns in one process: a pool left spinning would steal the cores from the next block
          ortSessionOptions({ executionProviders: ["cpu"], intraOpThreads: v.requested, logLevel: 3, spinning: false }),
        ),
      );
      sessions.set(v.name, { session: value, pool: poolThreads });
    }
    const feed = syntheticFeed(sessions.get("fp32")!.session, batch);
    const timers = variants.map((v) => functionTimer(v.name, () => sessions.get(v.name)!.session.run(feed)));
    const measureMs = (quick ? 400 : 1200) * variants.length;
    const r = await measureInterleaved(timers, benchInterleave(measureMs, batch));
    const p50 = new Map(variants.map((v, i) => [v.name, median(r.samples[i] ?? [])]));
    const precisions = PRECISIONS.map((p) => {
      const own = variants.filter((v) => v.precision === p);
      const rungs = own.slice(1).map((v) => ({ threads: v.requested, p50Ms: r3(p50.get(v.name)!), overDefault: round3(pairedSpeedup(r.blocks, p, v.name)) }));
      const best = own.reduce((a, b) => (p50.get(b.name)! < p50.get(a.name)! ? b : a));
      const used = (v: Variant) => sessions.get(v.name)!.pool ?? v.requested;
      return {
        precision: p,
        ortDefault: { threads: used(own[0]!), p50Ms: r3(p50.get(p)!) },
        rungs,
        fastest: { threads: used(best), isOrtDefault: best.name === p, overDefault: best.name === p ? null : round3(pairedSpeedup(r.blocks, p, best.name)) },
        /** Images per second at each pool size (the scaling curve). */
        scaling: own.map((v) => ({ threads: used(v), imagesPerSecond: r3((batch * 1000) / p50.get(v.name)!) })).sort((a, b) => a.threads - b.threads),
      };
    });
    return { batch, cycles: r.cycles, precisions };
  } finally {
    for (const s of sessions.values()) await s.session.release();
  }
}

/**
 * Single-model latency with the pool's threads spinning after a run against not spinning (what
 * the profiler's rows use, since its sessions take turns in one process): lenet FP32 at batch 1
 * on the largest pool of the ladder, the two sessions interleaved in blocks (ORT's spin lasts
 * microseconds, far shorter than a block, so one barely reaches into the other's).
 */
async function spinningWindow(dir: string, threads: number, quick: boolean): Promise<Record<string, unknown>> {
  const names = ["spin-off", "spin-on"] as const;
  const sessions = new Map<string, ort.InferenceSession>();
  try {
    for (const name of names)
      sessions.set(
        name,
        await openOrtSession(
          join(dir, "model.fp32.onnx"),
          ortSessionOptions({ executionProviders: ["cpu"], intraOpThreads: threads, logLevel: 3, spinning: name === "spin-on" }),
        ),
      );
    const feed = syntheticFeed(sessions.get("spin-off")!, 1);
    const measureMs = quick ? 800 : 2400;
    const r = await measureInterleaved(
      names.map((n) => functionTimer(n, () => sessions.get(n)!.run(feed))),
      { warmupTimeMs: 100, warmupIterations: 10, measureMs, maxMs: measureMs * 3, blockMs: 15, minCycles: 10, seed: 7 },
    );
    return {
      model: "lenet",
      precision: "fp32",
      batch: 1,
      threads,
      p50Ms: Object.fromEntries(names.map((n, i) => [n, r3(median(r.samples[i] ?? []))])),
      spinningOverNot: round3(pairedSpeedup(r.blocks, "spin-off", "spin-on")),
    };
  } finally {
    for (const s of sessions.values()) await s.release();
  }
}

/** `fp32 b32: default 1t 1.42 ms; 2t 0.86 ms 1.65× [1.60–1.70] faster → 2 threads`. */
function line(model: string, w: Record<string, unknown>): string[] {
  const ps = w.precisions as {
    precision: string;
    ortDefault: { threads: number; p50Ms: number };
    rungs: { threads: number; p50Ms: number; overDefault: ReturnType<typeof round3> }[];
    fastest: { threads: number; isOrtDefault: boolean };
  }[];
  return ps.map(
    (p) =>
      `  ${model} ${p.precision} b${String(w.batch)}: ORT default (${p.ortDefault.threads}t) ${p.ortDefault.p50Ms} ms; ` +
      p.rungs.map((x) => `${x.threads}t ${x.p50Ms} ms ${x.overDefault ? `${x.overDefault.speedup}× [${x.overDefault.ci95.join("–")}]` : "?"}`).join("; ") +
      ` → fastest ${p.fastest.isOrtDefault ? "ORT's default" : `${p.fastest.threads} threads`}`,
  );
}

export const threadsBench: BenchSection = {
  name: "threads",
  description: "intra-op thread ladder vs ORT's default (lenet, basic-cnn, fcnn; fp32, int8; batch 1, 32), interleaved",
  async run(options: BenchOptions) {
    const topology = readCpuTopology();
    const ortDefault = ortDefaultIntraOpThreads(topology, await readBackOrtDefaultThreads());
    const ladder = threadLadder(topology.logicalCpus, ortDefault.threads);
    console.log(
      `  ${cpus()[0]?.model.trim() ?? "unknown CPU"}: ${topology.logicalCpus} logical CPUs, ${topology.physicalCores ?? "?"} cores; ` +
        `ORT's default pool ${ortDefault.threads} thread(s) (${ortDefault.from}); ladder ${ladder.rungs.join(", ")}, timed beside the default: ${ladder.timed.join(", ") || "none"}`,
    );
    const load = loadavg()[0] ?? 0;
    if (load > topology.logicalCpus / 2)
      console.log(
        `  note: load average ${load.toFixed(1)} on ${topology.logicalCpus} logical CPUs: other processes hold cores, so more threads than the free cores lose; rerun on an idle machine to read what the threads buy`,
      );
    const models: Record<string, unknown> = {};
    const goals: { model: string; goal: string; value: unknown; met: boolean }[] = [];
    for (const model of MODELS) {
      const { dir } = await ensureTrained({ model, dataset: "mnist", out: options.out, epochs: 1, ...(options.quick ? { limit: 6000 } : {}), summary: false });
      await exportModel({
        modelDir: dir,
        precisions: [...PRECISIONS],
        ...(options.quick ? { parityLimit: 2000, tuneMs: 1000 } : {}),
        onProgress: (l) => console.log(`  ${l}`),
      });
      const windows = [];
      for (const batch of BATCHES) {
        const w = await window(dir, batch, ladder.timed, options.quick);
        for (const l of line(model, w)) console.log(l);
        windows.push(w);
      }
      models[model] = { dir, windows };
      const w32 = windows.find((w) => w.batch === 32) as
        { precisions: { precision: string; fastest: { overDefault: ReturnType<typeof round3> } }[] } | undefined;
      const fp32 = w32?.precisions.find((p) => p.precision === "fp32")?.fastest.overDefault ?? null;
      goals.push({
        model,
        goal: `fp32 batch 32: the fastest setting ≥ ${GOAL_SPEEDUP}× ORT's default`,
        value: fp32 ?? "ORT's default is the fastest",
        met: fp32 !== null && fp32.speedup >= GOAL_SPEEDUP,
      });
    }
    const spin = await spinningWindow((models.lenet as { dir: string }).dir, ladder.rungs.at(-1)!, options.quick);
    const so = spin.spinningOverNot as ReturnType<typeof round3>;
    console.log(
      `  spinning (lenet fp32 b1, ${String(spin.threads)} threads): on ${JSON.stringify(spin.p50Ms)} ms; spinning ÷ not ${so ? `${so.speedup}× [${so.ci95.join("–")}]` : "?"} (> 1: spinning is faster)`,
    );
    for (const g of goals) console.log(`  goal ${g.met ? "met" : "NOT met"}: ${g.model} ${g.goal}: ${JSON.stringify(g.value)}`);
    return {
      machine: {
        cpu: cpus()[0]?.model.trim() ?? "unknown",
        ...topology,
        ortDefault,
        loadAverage1mAtStart: load,
        loadAverage1mAtEnd: loadavg()[0] ?? 0,
        ortVersion: ort.env.versions.node ?? "unknown",
      },
      ladder,
      note: "each rung's speedup is ORT's default p50 ÷ the rung's, paired from interleaved blocks (> 1: the rung is faster); allow_spinning 0 for every session (they take turns in one process); the rung equal to ORT's default is the default itself",
      models,
      spinning: spin,
      goals,
    };
  },
};
