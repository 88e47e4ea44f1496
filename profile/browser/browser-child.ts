/**
 * Entry point of a browser EP's child process (forked by `run-child.ts` when a runner's
 * `childScript` names this file). Speaks the same child protocol as `child-main.ts`:
 * receives one probe or measure job over IPC, drives onnxruntime-web in headless Chromium
 * and reports {@link ChildMessage}s, so a crashed or hung browser becomes an errored row
 * under the parent's child timeout.
 *
 * Test-only fault injection: `HARNESS_FAULT=page-hang:<ep>` (the server never answers the
 * page, so the page load times out; `HARNESS_PAGE_TIMEOUT_MS` shortens that wait).
 */
import { writeFile } from "node:fs/promises";
import { fillBatch } from "../accuracy.ts";
import type { MeasureJob } from "../child-protocol.ts";
import { sendToParent, serveChildJob } from "../child-runtime.ts";
import { latencySketch, summarizeLatency } from "../statistics.ts";
import type { ImageSet } from "../../train/datasets/dataset.ts";
import type { ImageShape } from "../../train/datasets/model-input.ts";
import type { BrowserSession } from "./browser-session.ts";
import { browserEpRunners } from "./browser-eps.ts";
import { BROWSER_PAGE_FIX, openChecked } from "./browser-probe.ts";
import type { BrowserEpKind } from "./chromium-launch.ts";
import { treePeakRssMiB } from "../process-rss.ts";

function kindOf(ep: string): BrowserEpKind {
  if (ep === "browser-wasm") return "wasm";
  if (ep === "browser-webgpu") return "webgpu";
  throw new Error(`Unknown browser EP "${ep}". Expected one of: ${browserEpRunners.map((r) => r.name).join(", ")}`);
}

function hasFault(kind: string, job: MeasureJob): boolean {
  return (process.env.HARNESS_FAULT ?? "").split(",").some((f) => f === `${kind}:${job.ep}`);
}

async function loadTestSet(job: MeasureJob): Promise<{ set: ImageSet; shape: ImageShape }> {
  const acc = job.accuracy;
  if (!acc) throw new Error("no accuracy job");
  const { loadDataset, isDatasetName, DATASET_NAMES } = await import("../../train/datasets/index.ts");
  const name = acc.metadata.dataset;
  if (!isDatasetName(name)) throw new Error(`Unknown dataset "${name}". Expected one of: ${DATASET_NAMES.join(", ")}`);
  const { test, info } = await loadDataset(name, { dataDir: acc.dataDir, limit: 0, testLimit: acc.limit });
  return { set: test, shape: [info.height, info.width, info.channels] };
}

/** Accuracy in the page on test images served as binary batches; top-1 computed here. */
async function measureAccuracy(job: MeasureJob, session: BrowserSession, names: { inputName: string; outputName: string }, set: ImageSet): Promise<void> {
  const acc = job.accuracy;
  if (!acc) return;
  try {
    const predictions = await session.accuracy({
      batch: acc.batch, budgetMs: job.measure.accuracyBudgetMs, fixedBatch: acc.fixedBatch, count: set.count,
      inputShape: acc.metadata.inputShape, ...names,
    });
    const correct = predictions.filter((p, i) => p === set.labels[i]).length;
    await writeFile(acc.predictionsFile, Uint8Array.from(predictions));
    await sendToParent({ type: "accuracy", top1: predictions.length > 0 ? correct / predictions.length : 0, count: predictions.length, dataset: acc.metadata.dataset });
  } catch (e) {
    await sendToParent({ type: "accuracy-error", message: (e as Error).message });
  }
}

async function runMeasure(job: MeasureJob): Promise<void> {
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
  const opened = await openChecked(kind, {
    modelPath: job.onnxPath,
    hangPage: hasFault("page-hang", job),
    accuracyBatch: set && meta ? (start, n) => {
      const out = new Float32Array(n * per);
      fillBatch(set, start, n, meta, out, sourceShape);
      return out;
    } : undefined,
  });
  if ("reason" in opened) {
    // Chromium missing or no adapter: skipped. A page that fails to load: errored rows.
    if (opened.fix === BROWSER_PAGE_FIX) {
      for (const b of job.batches) await sendToParent({ type: "batch-error", batch: b.batch, message: opened.reason });
    } else {
      await sendToParent({ type: "cannot-start", ...opened });
    }
    return;
  }
  const session = opened.session;
  try {
    let created: Awaited<ReturnType<BrowserSession["createSession"]>>;
    try {
      created = await session.createSession();
    } catch (e) {
      await sendToParent({
        type: "cannot-start",
        reason: `onnxruntime-web (${kind}) cannot run this model: ${(e as Error).message.split("\n")[0]}`,
        fix: "profile it on a native EP (--eps cpu), or re-export it with ops and opsets onnxruntime-web supports",
      });
      return;
    }
    await sendToParent({ type: "session", sessionCreateMs: created.sessionCreateMs, baselineRssMiB });
    if (datasetError) await sendToParent({ type: "accuracy-error", message: datasetError });
    for (const batch of job.batches) {
      try {
        await session.loadFeeds(batch);
        const firstRunMs = await session.timedRun(batch.batch);
        const { samples } = await session.measure(batch.batch, job.measure, firstRunMs);
        await sendToParent({ type: "batch", result: { batch: batch.batch, firstRunMs, latency: summarizeLatency(samples), sketch: latencySketch(samples), peakRssMiB: treePeakRssMiB() } });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch: batch.batch, message: (e as Error).message.split("\n")[0] ?? "unknown error" });
      }
    }
    // After latency, so each batch's first run is the cold one (see child-main.ts).
    if (set) await measureAccuracy(job, session, { inputName: created.inputNames[0] ?? "input", outputName: created.outputNames[0] ?? "output" }, set);
  } finally {
    await session.close();
  }
}

serveChildJob({
  async probe(ep) {
    const runner = browserEpRunners.find((r) => r.name === ep);
    if (!runner) throw new Error(`Unknown browser EP "${ep}"`);
    return runner.probe();
  },
  measure: runMeasure,
});
