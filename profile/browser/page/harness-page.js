/* global window, navigator, fetch, performance, crossOriginIsolated */
/**
 * The measuring page of the browser EPs (plain ES module, served by page-server.ts).
 * Node drives it through `window.harness` (playwright `page.evaluate`); every call is a
 * step with its own timeout on the Node side. Latency is measured with the same tinybench
 * and the same settings as the Node child (profile/measure-latency.ts): Node fits the
 * settings to the row budget from the first and estimating runs, the page runs tinybench
 * and returns the raw samples (ms), and Node computes the statistics.
 */
import { Bench } from "tinybench";

/** @type {any} */ let ort;
/** @type {any} */ let session;
/** @type {string} */ let epName = "wasm";
/** Feeds by batch size. @type {Map<number, Record<string, any>>} */
const feedsByBatch = new Map();

const TYPED = {
  float32: Float32Array, float16: Uint16Array, int64: BigInt64Array, int32: Int32Array,
  uint8: Uint8Array, int8: Int8Array, bool: Uint8Array,
};

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return res.arrayBuffer();
}

/** Loads onnxruntime-web for `ep` ("wasm" | "webgpu") and reports the runtime facts. */
async function init(ep) {
  epName = ep;
  ort = await import(ep === "webgpu" ? "/ort/ort.webgpu.min.mjs" : "/ort/ort.wasm.min.mjs");
  ort.env.wasm.wasmPaths = "/ort/";
  ort.env.wasm.simd = true;
  ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
  ort.env.logLevel = "error";
  return {
    ortWebVersion: ort.env.versions?.web ?? "unknown",
    crossOriginIsolated: String(crossOriginIsolated),
    wasmThreads: String(ort.env.wasm.numThreads),
    hardwareConcurrency: String(navigator.hardwareConcurrency),
    userAgent: navigator.userAgent,
  };
}

/** The WebGPU adapter's info, or why there is none. */
async function adapter() {
  if (!navigator.gpu) return { ok: false, why: "navigator.gpu is undefined (WebGPU is disabled in this browser)" };
  const a = await navigator.gpu.requestAdapter();
  if (!a) return { ok: false, why: "navigator.gpu.requestAdapter() returned null (no WebGPU adapter)" };
  const info = a.info ?? {};
  return {
    ok: true,
    vendor: info.vendor ?? "", architecture: info.architecture ?? "", device: info.device ?? "",
    description: info.description ?? "", isFallbackAdapter: String(Boolean(info.isFallbackAdapter ?? a.isFallbackAdapter)),
  };
}

/** Creates the session on /model.onnx (or `url`); returns its creation time, ms. */
async function create(url = "/model.onnx") {
  const bytes = new Uint8Array(await fetchBytes(url));
  const t0 = performance.now();
  session = await ort.InferenceSession.create(bytes, { executionProviders: [epName], graphOptimizationLevel: "all" });
  return { sessionCreateMs: performance.now() - t0, inputNames: session.inputNames, outputNames: session.outputNames };
}

/** Fetches the feeds of `batch` (built by Node's buildFeeds) once. */
async function feeds(batch, spec) {
  let f = feedsByBatch.get(batch);
  if (!f) {
    f = {};
    for (let k = 0; k < spec.length; k++) {
      const { name, type, dims } = spec[k];
      const data = new TYPED[type](await fetchBytes(`/feeds/${batch}/${k}.bin`));
      f[name] = new ort.Tensor(type, data, dims);
    }
    feedsByBatch.set(batch, f);
  }
  return f;
}

/** One timed run of `batch`, ms (the first one includes shape setup and kernel compile). */
async function timedRun(batch) {
  const f = feedsByBatch.get(batch);
  const t0 = performance.now();
  await session.run(f);
  return performance.now() - t0;
}

/** Runs tinybench with `fitted` (from Node's fitToBudget) on `batch`; returns raw samples, ms. */
async function bench(batch, fitted) {
  const f = feedsByBatch.get(batch);
  const b = new Bench({
    time: fitted.timeMs, iterations: fitted.iterations, warmup: fitted.warmupIterations > 0,
    warmupTime: fitted.warmupTimeMs, warmupIterations: fitted.warmupIterations, retainSamples: true, throws: true,
  });
  // async: true skips tinybench's detection call, which would start a run that nobody awaits
  // (a second, concurrent run hangs onnxruntime-web's WebGPU backend).
  b.add("run", () => session.run(f), { async: true });
  await b.run();
  const result = b.tasks[0]?.result;
  if (!result || (result.state !== "completed" && result.state !== "aborted-with-statistics")) {
    throw new Error(`tinybench did not complete (state ${result?.state ?? "none"})`);
  }
  return Array.from(result.latency.samples ?? []);
}

/** Raw outputs of one run of `batch`: name → dims and values (numbers). */
async function outputs(batch) {
  const out = await session.run(feedsByBatch.get(batch));
  const result = {};
  for (const [name, t] of Object.entries(out)) result[name] = { dims: [...t.dims], data: Array.from(t.data, Number) };
  return result;
}

/**
 * Top-1 predictions on the test set: fetches batches of `o.batch` images (float32, model
 * layout, from `/data/batch`) until `o.count` images or `o.budgetMs` of wall time.
 */
async function accuracy(o) {
  const predictions = [];
  const start = performance.now();
  let done = 0;
  while (done < o.count && performance.now() - start < o.budgetMs) {
    const n = Math.min(o.batch, o.count - done);
    if (n < o.batch && o.fixedBatch) break;
    const data = new Float32Array(await fetchBytes(`/data/batch?start=${done}&n=${n}`));
    const out = await session.run({ [o.inputName]: new ort.Tensor("float32", data, [n, ...o.inputShape]) });
    const logits = out[o.outputName];
    if (!logits) throw new Error(`The model has no output "${o.outputName}"`);
    const classes = logits.data.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < classes; j++) if (logits.data[i * classes + j] > logits.data[i * classes + best]) best = j;
      predictions.push(best);
    }
    done += n;
  }
  return predictions;
}

async function release() {
  await session?.release();
  session = undefined;
}

window.harness = { init, adapter, create, feeds, timedRun, bench, outputs, accuracy, release, ready: true };
