/**
 * The measuring child's side of a ceiling ladder: builds each rung's device-resident model
 * (device-models.ts), opens a session on the job's EP, times it, reports the rung and asks
 * the pure planner (ceiling-ladder.ts) for the next, until the rate stops rising.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as ort from "onnxruntime-node";
import { writeOnnx } from "../../formats/onnx/onnx-io.ts";
import { percentile } from "../../measure/index.ts";
import { ortSessionOptions } from "../../ort/index.ts";
import type { CeilingJob, ChildMessage } from "../child-protocol.ts";
import { buildFeeds } from "../input-tensors.ts";
import { figureAt } from "./ceiling-models.ts";
import { nextRung, type LadderStep } from "./ceiling-ladder.ts";
import { ladderModel } from "./device-models.ts";

/** Opens a session on the job's EP with extra options (the child's own `createSession`). */
export type OpenSession = (path: string, extra: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;

/**
 * Times `run` after a cold run and two warm-up runs (the arena's first pages fault in on the
 * first two: measured 140 ms against 15 ms after, for a 16 MiB stream on the CPU EP): runs
 * until `measureMs` passed and 3 ran, or only the last warm-up when it alone exceeds `maxRunMs`; ms each.
 */
export async function timeRuns(
  run: () => Promise<unknown>,
  measureMs: number,
  maxRunMs: number,
  now: () => number = () => performance.now(),
): Promise<number[]> {
  await run(); // cold: allocations, kernel selection, shader compiles
  let warm = 0;
  for (let i = 0; i < 2; i++) {
    const w0 = now();
    await run();
    warm = now() - w0;
  }
  if (warm > maxRunMs) return [warm];
  const times: number[] = [];
  const start = now();
  while (times.length < 3 || now() - start < measureMs) {
    const t0 = now();
    await run();
    times.push(now() - t0);
  }
  return times;
}

/** Climbs `job.plan`'s ladder, sending a `ceiling-step` per rung and a `ceiling-stop` at the end. */
export async function climbCeiling(job: CeilingJob, open: OpenSession, send: (m: ChildMessage) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "ceiling-"));
  const steps: LadderStep[] = [];
  const t0 = performance.now();
  try {
    for (;;) {
      const next = nextRung(job.plan, steps, performance.now() - t0);
      if ("stop" in next) {
        await send({ type: "ceiling-stop", stop: next.stop });
        return;
      }
      const m = ladderModel(job.plan.kind, next.rung);
      const path = join(dir, `${m.kind}-${next.rung}.onnx`);
      let session: ort.InferenceSession | undefined;
      try {
        await writeOnnx(path, m.model);
        session = await open(path, ortSessionOptions({ intraOpThreads: job.intraOpThreads }));
        const feeds = buildFeeds({ batch: 1, inputs: [{ name: m.input.name, shape: [...m.input.shape], elemType: m.input.elemType }] });
        const s = session;
        const times = await timeRuns(() => s.run(feeds), job.plan.measureMs, job.plan.maxRunMs);
        const p50Ms = percentile(
          [...times].sort((a, b) => a - b),
          50,
        );
        const step: LadderStep = { rung: next.rung, size: m.size ?? 0, value: figureAt(m, p50Ms).value, p50Ms, runs: times.length };
        steps.push(step);
        await send({ type: "ceiling-step", step, description: m.description });
      } catch (e) {
        // a rung too large for the device (out of memory) ends the climb; the rungs below stand
        await send({ type: "ceiling-stop", stop: "error", message: (e as Error).message.split("\n")[0] ?? "" });
        return;
      } finally {
        await session?.release();
        await rm(path, { force: true });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
