import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { BrowserSession } from "../profile/browser/browser-session.ts";
import { CHROMIUM_FIX, DEFAULT_CHROMIUM, type BrowserEpKind } from "../profile/browser/chromium-launch.ts";
import type { BatchFeeds } from "../profile/child-protocol.ts";
import { hangingPageEp } from "./fixtures/hanging-page-ep.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { buildFeeds } from "../profile/input-tensors.ts";
import { runProfile } from "./profile-with-suite.ts";
import type { ProfileOptions } from "../formats/options/profile-options.ts";

const skip = existsSync(DEFAULT_CHROMIUM) ? false : `skipped: ${DEFAULT_CHROMIUM} is absent (apt-get install chromium)`;
const FAST = {
  rowBudgetMs: 300,
  warmupTimeMs: 5,
  warmupIterations: 1,
  minTimeMs: 20,
  minIterations: 3,
  profileIterations: 0,
  profileBudgetMs: 0,
  accuracyBudgetMs: 500,
};
const FEEDS: BatchFeeds = { batch: 2, inputs: [{ name: "input", shape: [2, 1, 8, 8], elemType: 1 }] };

let dir = "";
let model = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-browser-"));
  model = join(dir, "tiny.onnx");
  await writeOnnx(model, buildTinyClassifier());
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function quiet(out: string): ProfileOptions {
  return {
    onnx: [model],
    batches: [1],
    quick: true,
    measure: FAST,
    out: join(dir, out),
    progress: false,
    printTable: false,
    log: () => undefined,
    childTimeoutMs: 60_000,
  };
}

/** Runs `fn` with `vars` set in process.env (children inherit them), then restores it. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function nodeCpuLogits(): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ["cpu"] });
  try {
    const out = await session.run(buildFeeds(FEEDS));
    return out.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

for (const kind of ["wasm", "webgpu"] as BrowserEpKind[]) {
  test(`browser ${kind}: outputs for a fixed input match the node CPU EP within 1e-4`, { skip }, async () => {
    const expected = await nodeCpuLogits();
    const session = await BrowserSession.open({ kind, modelPath: model });
    try {
      await session.createSession();
      await session.loadFeeds(FEEDS);
      const out = await session.outputs(FEEDS.batch);
      assert.deepEqual(out.logits?.dims, [2, 10]);
      const got = out.logits?.data ?? [];
      assert.equal(got.length, expected.length);
      const maxDiff = Math.max(...got.map((v, i) => Math.abs(v - (expected[i] ?? Number.NaN))));
      assert.ok(maxDiff <= 1e-4, `max |browser - node| = ${maxDiff}`);
    } finally {
      await session.close();
    }
  });
}

test("browser-wasm and browser-webgpu rows land in the run with browser, thread and adapter facts", { skip }, async () => {
  const run = await runProfile({ ...quiet("both"), eps: ["browser-wasm", "browser-webgpu"] });
  assert.deepEqual(
    run.results.rows.map((r) => [r.key, r.state]),
    [
      ["tiny|fp32|browser-wasm|1", "ok"],
      ["tiny|fp32|browser-webgpu|1", "ok"],
    ],
  );
  const [wasm, webgpu] = run.results.eps;
  assert.equal(wasm?.state, "available", JSON.stringify(wasm));
  assert.equal(webgpu?.state, "available", JSON.stringify(webgpu));
  if (wasm?.state === "available") {
    assert.equal(wasm.facts.crossOriginIsolated, "true");
    assert.equal(wasm.facts.simd, "yes");
    assert.ok(Number(wasm.facts.wasmThreads) >= 1);
    assert.match(wasm.facts.browser ?? "", /^Chromium \d+\./);
  }
  if (webgpu?.state === "available") {
    assert.equal(webgpu.facts.adapterArchitecture, "swiftshader");
    assert.equal(webgpu.facts.softwareFallback, "yes");
  }
  for (const row of run.results.rows) if (row.state === "ok") assert.ok(row.latency.p50 > 0 && row.sessionCreateMs > 0 && row.firstRunMs > 0);
});

test("a missing browser makes skipped rows with the reason and the install fix", async () => {
  const run = await withEnv({ HARNESS_CHROMIUM: "/nonexistent/chromium" }, () => runProfile({ ...quiet("missing"), eps: ["browser-wasm"] }));
  assert.deepEqual(
    run.results.rows.map((r) => (r.state === "skipped" ? [r.key, r.reason, r.fix] : [r.key, r.state])),
    [["tiny|fp32|browser-wasm|1", "Chromium not found at /nonexistent/chromium", CHROMIUM_FIX]],
  );
});

test("a page that never loads times out into an errored row", { skip }, async () => {
  // browser-wasm, except that its page server never answers the page (test/fixtures/hanging-page-ep.ts).
  const run = await withEnv({ HARNESS_PAGE_TIMEOUT_MS: "1500" }, () => runProfile({ ...quiet("hang"), eps: ["browser-wasm"] }, { runners: [hangingPageEp] }));
  const row = run.results.rows[0];
  assert.equal(row?.state, "errored", JSON.stringify(row));
  if (row?.state === "errored")
    assert.match(row.error, /^the browser could not start: the measuring page did not load within 1\.5 s: page\.goto: Timeout 1500ms exceeded/);
});
