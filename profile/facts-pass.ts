/**
 * The facts pass of a measuring child, over any EP's {@link EpSessionHost}: one model file
 * alone in its process, so its peak memory is that model's own. Session creation; each
 * batch's cold first run, a few more runs, then peak RSS and GPU memory; accuracy on the
 * test set; the per-op profile where the EP gives one.
 */
import { writeFile } from "node:fs/promises";
import type { ImageSet } from "../formats/dataset.ts";
import type { ImageShape } from "../formats/model-input.ts";
import type { ChildMessage, FactsJob } from "./child-protocol.ts";
import { EpCannotStart, type EpSession, type EpSessionHost } from "./ep-session.ts";
import { rssRuns } from "./measure-latency.ts";
import { gpuMemoryTracker } from "./trackers.ts";

/** Sends one message to the parent. */
export type Send = (message: ChildMessage) => Promise<void>;

/** The job's test set, loaded after the batches so its images do not count in the model's memory. */
async function loadTestSet(acc: NonNullable<FactsJob["accuracy"]>): Promise<{ set: ImageSet; shape: ImageShape }> {
  const { loadNamedDataset } = await import("../datasets/index.ts");
  const { test, info } = await loadNamedDataset(acc.metadata.dataset, { dataDir: acc.dataDir, limit: 0, testLimit: acc.limit, seed: acc.metadata.datasetSeed });
  return { set: test, shape: [info.height, info.width, info.channels] };
}

async function measureAccuracy(job: FactsJob, session: EpSession, send: Send): Promise<void> {
  const acc = job.accuracy;
  if (!acc) return;
  try {
    const { set, shape } = await loadTestSet(acc);
    const predictions = await session.predict({
      set,
      metadata: acc.metadata,
      sourceShape: shape,
      batch: acc.batch,
      budgetMs: job.measure.accuracyBudgetMs,
      fixedBatch: acc.fixedBatch,
    });
    const correct = predictions.reduce((n, p, i) => n + (p === set.labels[i] ? 1 : 0), 0);
    await writeFile(acc.predictionsFile, predictions);
    await send({ type: "accuracy", top1: predictions.length > 0 ? correct / predictions.length : 0, count: predictions.length, dataset: acc.metadata.dataset });
  } catch (e) {
    await send({ type: "accuracy-error", message: (e as Error).message });
  }
}

async function profileOps(job: FactsJob, host: EpSessionHost, send: Send): Promise<void> {
  const first = job.batches[0];
  if (!first || !host.profileOps || job.measure.profileIterations <= 0) return;
  try {
    const profile = await host.profileOps(job.onnxPath, first, {
      iterations: job.measure.profileIterations,
      budgetMs: job.measure.profileBudgetMs,
      traceDir: job.traceDir,
    });
    await send({ type: "ops", batch: first.batch, ops: profile.ops, arena: profile.arena });
  } catch (e) {
    await send({ type: "ops-error", message: (e as Error).message });
  }
}

/**
 * Runs a facts job on `host`. An EP that cannot start sends `cannot-start`; any other
 * failure to create the session propagates (the child exits and its rows are errored).
 */
export async function runFactsPass(job: FactsJob, host: EpSessionHost, send: Send): Promise<void> {
  const baselineRssMiB = host.peakRssMiB();
  const gpu = host.onGpu ? await gpuMemoryTracker() : undefined;
  let session: EpSession;
  try {
    session = await host.open(job.onnxPath, { timed: false });
  } catch (e) {
    if (!(e instanceof EpCannotStart)) throw e;
    await send({ type: "cannot-start", reason: e.reason, fix: e.fix });
    return;
  }
  try {
    await send({ type: "session", sessionCreateMs: session.createMs, baselineRssMiB });
    // Each batch's first run is the cold one the user's first inference pays (shader compiles on WebGPU).
    for (const batch of job.batches) {
      try {
        await session.feed(batch);
        const firstRunMs = await session.run();
        const more = rssRuns(firstRunMs, job.measure.rowBudgetMs);
        if (more > 0) await session.runBlock(more);
        const gpuMemory = await gpu?.read();
        await send({ type: "batch-facts", batch: batch.batch, firstRunMs, peakRssMiB: host.peakRssMiB(), ...(gpuMemory ? { gpuMemory } : {}) });
      } catch (e) {
        await send({ type: "batch-error", batch: batch.batch, message: (e as Error).message });
      }
    }
    await measureAccuracy(job, session, send);
  } finally {
    await session.dispose();
  }
  await profileOps(job, host, send);
}
