/**
 * Entry point of a measuring child process (forked by `run-child.ts`): receives one
 * {@link ChildJob} over IPC, runs it, reports {@link ChildMessage}s, exits. One child per
 * model × precision × EP keeps peak RSS per measurement and isolates crashing drivers.
 *
 * Test-only fault injection: `HARNESS_FAULT=crash:<ep>` (SIGSEGV after the session is
 * created), `hang:<ep>` (never finishes), `exit:<ep>` (exit code 3); `<ep>@<text>` limits
 * the fault to model files whose path contains `<text>`; several faults are comma-separated.
 *
 * The child ignores SIGINT (Ctrl-C reaches the whole process group): the parent decides,
 * kills it and keeps the rows that finished. It exits if the parent goes away.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { evaluateAccuracy } from "./accuracy.ts";
import type { MeasureJob } from "./child-protocol.ts";
import { sendToParent, serveChildJob } from "./child-runtime.ts";
import { defaultEpRegistry } from "./ep-registry.ts";
import type { EpRunner } from "./ep-runner.ts";
import { buildFeeds } from "./input-tensors.ts";
import { measureLatency } from "./measure-latency.ts";
import { parseOrtTrace } from "./op-profile.ts";
import { ownPeakRssMiB } from "./process-rss.ts";
import { latencySketch, summarizeLatency } from "./statistics.ts";

function runnerFor(ep: string): EpRunner {
  const runner = defaultEpRegistry().runners.find((r) => r.name === ep);
  if (!runner) throw new Error(`Unknown EP "${ep}"`);
  return runner;
}

function injectFault(job: MeasureJob): void {
  for (const fault of (process.env.HARNESS_FAULT ?? "").split(",").filter(Boolean)) {
    const [kind, target = ""] = fault.split(":");
    const [ep, pathPart] = target.split("@");
    if (ep !== job.ep || (pathPart && !job.onnxPath.includes(pathPart))) continue;
    if (kind === "crash") process.kill(process.pid, "SIGSEGV");
    if (kind === "exit") process.exit(3);
    if (kind === "hang") for (;;) { /* never returns: the parent's timeout must kill us */ }
  }
}

async function createSession(job: MeasureJob, runner: EpRunner, extra: ort.InferenceSession.SessionOptions = {}) {
  return ort.InferenceSession.create(job.onnxPath, { ...runner.sessionOptions(), logSeverityLevel: 3, ...extra });
}

async function measureAccuracy(job: MeasureJob, session: ort.InferenceSession): Promise<void> {
  const acc = job.accuracy;
  if (!acc) return;
  try {
    const { loadDataset, isDatasetName, DATASET_NAMES } = await import("../train/datasets/index.ts");
    const name = acc.metadata.dataset;
    if (!isDatasetName(name)) throw new Error(`Unknown dataset "${name}". Expected one of: ${DATASET_NAMES.join(", ")}`);
    const data = await loadDataset(name, { dataDir: acc.dataDir, limit: 0, testLimit: acc.limit });
    const result = await evaluateAccuracy(session, data.test, acc.metadata, {
      batch: acc.batch,
      budgetMs: job.measure.accuracyBudgetMs,
      fixedBatch: acc.fixedBatch,
      sourceShape: [data.info.height, data.info.width, data.info.channels],
    });
    await writeFile(acc.predictionsFile, result.predictions);
    await sendToParent({ type: "accuracy", top1: result.top1, count: result.count, dataset: name });
  } catch (e) {
    await sendToParent({ type: "accuracy-error", message: (e as Error).message });
  }
}

async function profileOps(job: MeasureJob, runner: EpRunner): Promise<void> {
  const first = job.batches[0];
  if (!first || job.measure.profileIterations <= 0) return;
  await mkdir(job.traceDir, { recursive: true });
  const prefix = join(job.traceDir, `${runner.name}-trace`);
  let session: ort.InferenceSession | undefined;
  try {
    session = await createSession(job, runner, { enableProfiling: true, profileFilePrefix: prefix });
    const feeds = buildFeeds(first);
    const start = performance.now();
    for (let i = 0; i < job.measure.profileIterations + 1; i++) {
      await session.run(feeds);
      if (i > 0 && performance.now() - start > job.measure.profileBudgetMs) break;
    }
    session.endProfiling();
    const files = (await readdir(job.traceDir)).filter((f) => f.startsWith(`${runner.name}-trace`) && f.endsWith(".json"));
    const file = files.sort().pop();
    if (!file) throw new Error(`ORT wrote no profiling trace under ${job.traceDir}`);
    const profile = parseOrtTrace(JSON.parse(await readFile(join(job.traceDir, file), "utf8")));
    await rm(join(job.traceDir, file), { force: true });
    await sendToParent({ type: "ops", batch: first.batch, ops: profile.ops, arena: profile.arena });
  } catch (e) {
    await sendToParent({ type: "ops-error", message: (e as Error).message });
  } finally {
    await session?.release();
  }
}

async function runMeasure(job: MeasureJob): Promise<void> {
  const runner = runnerFor(job.ep);
  const baselineRssMiB = ownPeakRssMiB();
  const t0 = performance.now();
  let session: ort.InferenceSession;
  try {
    session = await createSession(job, runner);
  } catch (e) {
    const explained = runner.explainStartFailure?.(e as Error);
    if (explained) {
      await sendToParent({ type: "cannot-start", ...explained });
      return;
    }
    throw e;
  }
  try {
    await sendToParent({ type: "session", sessionCreateMs: performance.now() - t0, baselineRssMiB });
    injectFault(job);
    // Latency first, so each batch's first run is the cold one the user's first inference pays (shader compiles on WebGPU).
    for (const batch of job.batches) {
      try {
        const feeds = buildFeeds(batch);
        const f0 = performance.now();
        await session.run(feeds);
        const firstRunMs = performance.now() - f0;
        const { samples } = await measureLatency(() => session.run(feeds), job.measure, firstRunMs);
        await sendToParent({ type: "batch", result: { batch: batch.batch, firstRunMs, latency: summarizeLatency(samples), sketch: latencySketch(samples), peakRssMiB: ownPeakRssMiB() } });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch: batch.batch, message: (e as Error).message });
      }
    }
    await measureAccuracy(job, session);
  } finally {
    await session.release();
  }
  await profileOps(job, runner);
}

serveChildJob({ probe: (ep) => runnerFor(ep).probe(), measure: runMeasure });
