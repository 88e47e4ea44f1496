/**
 * `npm run bench -- overhead`: the profiler's measurement overhead. On one CPU-EP session
 * of LeNet, alternates rounds of the harness's measurement (`measureInterleaved` with one
 * variant, as the paired child times it, reused feeds) with a bare `await session.run(feeds)`
 * loop timed per call, and compares the pooled medians side by side. Goal: harness/bare ≤ 1.03 at
 * batch 1 and 32.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as ort from "onnxruntime-node";
import { buildFeeds, interleaveSettings } from "../profile/index.ts";
import { DEFAULT_MEASURE } from "../formats/options/profile-options.ts";
import { functionTimer, measureInterleaved } from "../measure/index.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";
import { lenetPath, median } from "./bench-lenet.ts";
import type { BenchOptions, BenchSection } from "./bench-section.ts";

/** Largest acceptable harness/bare median ratio. */
export const OVERHEAD_GOAL = 1.03;

async function bareLoop(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, n: number): Promise<number[]> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await session.run(feeds);
    samples[i] = performance.now() - t;
  }
  return [...samples];
}

async function run(options: BenchOptions): Promise<Record<string, unknown>> {
  const scratch = await mkdtemp(join(tmpdir(), "bench-overhead-"));
  const rounds = options.quick ? 3 : 9;
  const settings = { ...DEFAULT_MEASURE, warmupTimeMs: 50, warmupIterations: 10, minTimeMs: options.quick ? 100 : 400, minIterations: 30, rowBudgetMs: 60_000 };
  const rows: Record<string, unknown>[] = [];
  try {
    const model = await lenetPath(options.out, scratch);
    const session = await openOrtSession(model.path, ortSessionOptions({ executionProviders: ["cpu"] }));
    try {
      const inputName = session.inputNames[0] ?? "input";
      for (const batch of [1, 32]) {
        const feeds = buildFeeds({ batch, inputs: [{ name: inputName, shape: [batch, 1, 28, 28], elemType: 1 }] });
        for (let i = 0; i < 50; i++) await session.run(feeds);
        const harness: number[] = [];
        const bare: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const h = (await measureInterleaved([functionTimer("harness", () => session.run(feeds))], interleaveSettings(settings, 1, r))).samples[0]!;
          harness.push(...h);
          bare.push(...(await bareLoop(session, feeds, h.length)));
        }
        const harnessP50 = median(harness);
        const bareP50 = median(bare);
        const ratio = harnessP50 / bareP50;
        rows.push({
          batch,
          harnessP50Ms: harnessP50,
          bareP50Ms: bareP50,
          ratio,
          samples: { harness: harness.length, bare: bare.length },
          withinGoal: ratio <= OVERHEAD_GOAL,
        });
        console.log(
          `batch ${String(batch).padStart(2)}: harness p50 ${harnessP50.toFixed(4)} ms, bare p50 ${bareP50.toFixed(4)} ms, ratio ${ratio.toFixed(3)} (goal <= ${OVERHEAD_GOAL})`,
        );
      }
    } finally {
      await session.release();
    }
    return { model: model.source, ep: "cpu", rounds, goal: OVERHEAD_GOAL, rows };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The `overhead` bench section. */
export const overheadBench: BenchSection = {
  name: "overhead",
  description: "profiler measurement overhead: harness median vs a bare session.run loop (LeNet, CPU EP, batch 1 and 32)",
  run,
};
