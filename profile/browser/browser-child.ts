/**
 * Entry point of a browser EP's child process (forked by `run-child.ts` when a runner's
 * `childScript` names this file). Speaks the same child protocol as `child-main.ts`:
 * receives one probe or measure job over IPC, drives onnxruntime-web in headless Chromium
 * and reports {@link ChildMessage}s, so a crashed or hung browser becomes an errored row
 * under the parent's child timeout. The runner is the built-in one of the job's EP, or the
 * default export of the job's `childModule` (a {@link BrowserEpRunner}, whose
 * `pageRequest` the measuring page server tries first).
 */
import { writeFile } from "node:fs/promises";
import { fillBatch } from "../accuracy.ts";
import { latencySketch, measureInterleaved, summarizeLatency, type BlockTimer } from "../../measure/index.ts";
import type { FactsJob, PairedJob, PairedVariant, VariantLatency } from "../child-protocol.ts";
import { childRunner, sendToParent, serveChildJob } from "../child-runtime.ts";
import { interleaveSettings, RSS_RUNS } from "../measure-latency.ts";
import type { ImageSet } from "../../formats/dataset.ts";
import type { ImageShape } from "../../formats/model-input.ts";
import type { BrowserSession } from "./browser-session.ts";
import { browserEpRunners, type BrowserEpRunner } from "./browser-eps.ts";
import { BROWSER_PAGE_FIX, openChecked } from "./browser-probe.ts";
import type { BrowserEpKind } from "./chromium-launch.ts";
import { treePeakRssMiB } from "../process-rss.ts";

function kindOf(ep: string): BrowserEpKind {
  if (ep === "browser-wasm") return "wasm";
  if (ep === "browser-webgpu") return "webgpu";
  throw new Error(`Unknown browser EP "${ep}". Expected one of: ${browserEpRunners.map((r) => r.name).join(", ")}`);
}

async function runnerFor(job: { readonly ep: string; readonly childModule?: string }): Promise<BrowserEpRunner> {
  return (await childRunner(job, browserEpRunners)) as BrowserEpRunner;
}

async function loadTestSet(job: FactsJob): Promise<{ set: ImageSet; shape: ImageShape }> {
  const acc = job.accuracy;
  if (!acc) throw new Error("no accuracy job");
  const { loadNamedDataset } = await import("../../train/datasets/index.ts");
  const { test, info } = await loadNamedDataset(acc.metadata.dataset, { dataDir: acc.dataDir, limit: 0, testLimit: acc.limit, seed: acc.metadata.datasetSeed });
  return { set: test, shape: [info.height, info.width, info.channels] };
}

/** Accuracy in the page on test images served as binary batches; top-1 computed here. */
async function measureAccuracy(job: FactsJob, session: BrowserSession, names: { inputName: string; outputName: string }, set: ImageSet): Promise<void> {
  const acc = job.accuracy;
  if (!acc) return;
  try {
    const predictions = await session.accuracy({
      batch: acc.batch,
      budgetMs: job.measure.accuracyBudgetMs,
      fixedBatch: acc.fixedBatch,
      count: set.count,
      inputShape: acc.metadata.inputShape,
      ...names,
    });
    const correct = predictions.filter((p, i) => p === set.labels[i]).length;
    await writeFile(acc.predictionsFile, Uint8Array.from(predictions));
    await sendToParent({
      type: "accuracy",
      top1: predictions.length > 0 ? correct / predictions.length : 0,
      count: predictions.length,
      dataset: acc.metadata.dataset,
    });
  } catch (e) {
    await sendToParent({ type: "accuracy-error", message: (e as Error).message });
  }
}

/** Opens the browser on `models` (sessions 0, 1, …); reports why it cannot, and resolves undefined then. */
async function open(
  job: { ep: string; childModule?: string },
  models: readonly string[],
  batches: readonly number[],
  accuracyBatch?: (start: number, n: number) => Float32Array,
) {
  const { pageRequest } = await runnerFor(job);
  const opened = await openChecked(kindOf(job.ep), {
    modelPath: models[0]!,
    moreModels: models.slice(1),
    ...(pageRequest ? { intercept: pageRequest } : {}),
    ...(accuracyBatch ? { accuracyBatch } : {}),
  });
  if (!("reason" in opened)) return opened.session;
  // Chromium missing or no adapter: skipped. A page that fails to load: errored rows.
  if (opened.fix === BROWSER_PAGE_FIX) {
    for (const b of batches) await sendToParent({ type: "batch-error", batch: b, message: opened.reason });
  } else {
    await sendToParent({ type: "cannot-start", ...opened });
  }
  return undefined;
}

/** Creates session `key`, or reports that onnxruntime-web cannot run the model and resolves undefined. */
async function create(session: BrowserSession, kind: BrowserEpKind, key: number) {
  try {
    return await session.createSession(key);
  } catch (e) {
    await sendToParent({
      type: "cannot-start",
      reason: `onnxruntime-web (${kind}) cannot run this model: ${(e as Error).message.split("\n")[0]}`,
      fix: "profile it on a native EP (--eps cpu), or re-export it with ops and opsets onnxruntime-web supports",
    });
    return undefined;
  }
}

const firstLine = (e: unknown) => (e as Error).message.split("\n")[0] ?? "unknown error";

async function runFacts(job: FactsJob): Promise<void> {
  const kind = kindOf(job.ep);
  const baselineRssMiB = treePeakRssMiB();
  let set: ImageSet | undefined;
  let sourceShape: ImageShape | undefined;
  let datasetError: string | undefined;
  if (job.accuracy) {
    try {
      ({ set, shape: sourceShape } = await loadTestSet(job));
    } catch (e) {
      datasetError = (e as Error).message;
    }
  }
  const meta = job.accuracy?.metadata;
  const per = meta ? meta.inputShape.reduce((a, b) => a * b, 1) : 0;
  const session = await open(
    job,
    [job.onnxPath],
    job.batches.map((b) => b.batch),
    set && meta
      ? (start, n) => {
          const out = new Float32Array(n * per);
          fillBatch(set, start, n, meta, out, sourceShape);
          return out;
        }
      : undefined,
  );
  if (!session) return;
  try {
    const created = await create(session, kind, 0);
    if (!created) return;
    await sendToParent({ type: "session", sessionCreateMs: created.sessionCreateMs, baselineRssMiB });
    if (datasetError) await sendToParent({ type: "accuracy-error", message: datasetError });
    for (const batch of job.batches) {
      try {
        await session.loadFeeds(batch);
        const firstRunMs = await session.timedRun(batch.batch);
        // A few more runs (within a tenth of the row budget), as the Node child: memory grows on the first runs.
        const more = Math.min(RSS_RUNS, Math.floor((0.1 * job.measure.rowBudgetMs) / Math.max(firstRunMs, 1e-3)) - 1);
        if (more > 0) await session.block(batch.batch, 0, more);
        await sendToParent({ type: "batch-facts", batch: batch.batch, firstRunMs, peakRssMiB: treePeakRssMiB() });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch: batch.batch, message: firstLine(e) });
      }
    }
    // After the first runs, so each batch's first run is the cold one (see child-main.ts).
    if (set) await measureAccuracy(job, session, { inputName: created.inputNames[0] ?? "input", outputName: created.outputNames[0] ?? "output" }, set);
  } finally {
    await session.close();
  }
}

async function runPaired(job: PairedJob): Promise<void> {
  const kind = kindOf(job.ep);
  const session = await open(
    job,
    job.variants.map((v) => v.onnxPath),
    job.batches,
  );
  if (!session) return;
  try {
    const live: { key: number; name: string; sessionCreateMs: number; feeds: PairedVariant["feeds"] }[] = [];
    for (const [key, v] of job.variants.entries()) {
      try {
        const created = await create(session, kind, key);
        if (!created) return;
        live.push({ key, name: v.name, sessionCreateMs: created.sessionCreateMs, feeds: v.feeds });
      } catch (e) {
        await sendToParent({ type: "variant-error", variant: v.name, message: firstLine(e) });
      }
    }
    for (const [b, batch] of job.batches.entries()) {
      try {
        const timers: (BlockTimer & { sessionCreateMs: number })[] = [];
        let firstRunMs = 0;
        for (const v of live) {
          const spec = v.feeds[b];
          if (!spec || spec.inputs.length === 0) continue; // this precision cannot take this batch (its row says why)
          await session.loadFeeds(spec, v.key);
          firstRunMs = Math.max(firstRunMs, await session.timedRun(batch, v.key));
          timers.push({ name: v.name, sessionCreateMs: v.sessionCreateMs, runBlock: (n) => session.block(batch, v.key, n) });
        }
        if (timers.length === 0) continue;
        const res = await measureInterleaved(timers, interleaveSettings(job.measure, timers.length, job.seed + b, firstRunMs));
        const variants: VariantLatency[] = timers.map((t, i) => ({
          name: t.name,
          latency: summarizeLatency(res.samples[i]!),
          sketch: latencySketch(res.samples[i]!),
          sessionCreateMs: t.sessionCreateMs,
        }));
        await sendToParent({ type: "paired-batch", batch, variants, blocks: res.blocks, cycles: res.cycles });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch, message: firstLine(e) });
      }
    }
  } finally {
    await session.close();
  }
}

serveChildJob({
  async probe(job) {
    return (await runnerFor(job)).probe();
  },
  facts: runFacts,
  paired: runPaired,
});
