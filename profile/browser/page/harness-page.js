/* global window, navigator, fetch, performance, crossOriginIsolated */
/**
 * The measuring page of the browser EPs (plain ES module, served by page-server.ts).
 * Node drives it through `window.harness` (playwright `page.evaluate`); every call is a
 * step with its own timeout on the Node side. Several sessions (the precisions of one
 * model) live side by side, by key 0, 1, …; Node interleaves them with the same protocol
 * as its own child (measure/interleave.ts), asking the page for one block of timed runs at
 * a time (`block`), and computes the statistics from the raw times (ms).
 */

/** @type {any} */ let ort;
/** Sessions by key. @type {Map<number, any>} */
const sessions = new Map();
/** @type {string} */ let epName = "wasm";
/** Feeds by `key:batch`. @type {Map<string, Record<string, any>>} */
const feedsByBatch = new Map();

const TYPED = {
  float32: Float32Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  int8: Int8Array,
  bool: Uint8Array,
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
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: String(Boolean(info.isFallbackAdapter ?? a.isFallbackAdapter)),
  };
}

/** Creates session `key` on /models/<key>.onnx; returns its creation time, ms. */
async function create(key = 0) {
  const bytes = new Uint8Array(await fetchBytes(`/models/${key}.onnx`));
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [epName], graphOptimizationLevel: "all" });
  sessions.set(key, session);
  return { sessionCreateMs: performance.now() - t0, inputNames: session.inputNames, outputNames: session.outputNames };
}

/** Fetches the feeds of session `key` at `batch` (built by Node's buildFeeds) once. */
async function feeds(batch, spec, key = 0) {
  let f = feedsByBatch.get(`${key}:${batch}`);
  if (!f) {
    f = {};
    for (let k = 0; k < spec.length; k++) {
      const { name, type, dims } = spec[k];
      const data = new TYPED[type](await fetchBytes(`/feeds/${key}/${batch}/${k}.bin`));
      f[name] = new ort.Tensor(type, data, dims);
    }
    feedsByBatch.set(`${key}:${batch}`, f);
  }
  return f;
}

/**
 * `runs` timed runs of session `key` at `batch`, one after another (never two at once:
 * a concurrent run hangs onnxruntime-web's WebGPU backend); resolves each one's time, ms.
 */
async function block(batch, key, runs) {
  const session = sessions.get(key);
  const f = feedsByBatch.get(`${key}:${batch}`);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(f);
    out.push(performance.now() - t0);
  }
  return out;
}

/** One timed run of `batch`, ms (the first one includes shape setup and kernel compile). */
async function timedRun(batch, key = 0) {
  return (await block(batch, key, 1))[0];
}

/** Raw outputs of one run of `batch`: name → dims and values (numbers). */
async function outputs(batch) {
  const out = await sessions.get(0).run(feedsByBatch.get(`0:${batch}`));
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
    const out = await sessions.get(0).run({ [o.inputName]: new ort.Tensor("float32", data, [n, ...o.inputShape]) });
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
  for (const s of sessions.values()) await s.release();
  sessions.clear();
}

window.harness = { init, adapter, create, feeds, timedRun, block, outputs, accuracy, release, ready: true };
