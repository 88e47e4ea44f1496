/**
 * The training-backend resolver: exact error texts; `auto` by measurement on a fake timing
 * table (failures collected, the fastest kept whatever the order, a software adapter never
 * chosen by default); `auto` on this machine.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import {
  parseBackendRequest,
  pickFastest,
  selectBackend,
  type BackendName,
  type BackendTiming,
  type GpuAdapter,
  type StepTiming,
  type TrainingBackend,
} from "../train/backends/index.ts";
import { nativeBackend, notInstalledReason } from "../train/backends/tfjs-node-backends.ts";

/** Whether a native tfjs package is installed (then `auto` would rightly not pick wasm). */
function nativeInstalled(): boolean {
  const require = createRequire(import.meta.url);
  return ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"].some((p) => {
    try {
      require.resolve(`${p}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
}

/** A backend that records its load and fails with `failure` when given. */
function fake(name: BackendName, loads: string[], failure?: string, adapter?: GpuAdapter): TrainingBackend {
  return {
    name,
    singleThreaded: true,
    gpu: adapter !== undefined,
    async load() {
      loads.push(name);
      if (failure !== undefined) throw new Error(failure);
    },
    ...(adapter ? { adapter: () => adapter } : {}),
  };
}

/** A timer that reports `rates[name]` samples/s (batch 128, 2 steps) and records whom it timed. */
function fakeTimer(rates: Partial<Record<BackendName, number>>, timed: string[]) {
  return async (b: TrainingBackend): Promise<StepTiming> => {
    timed.push(b.name);
    const r = rates[b.name];
    if (r === undefined) throw new Error(`no rate for ${b.name}`);
    return { samplesPerSecond: r, batchSize: 128, steps: 2, ms: (256 * 1000) / r };
  };
}

const SWIFTSHADER: GpuAdapter = {
  vendor: "google",
  architecture: "swiftshader",
  device: "swiftshader-device-subzero-",
  description: "SwiftShader driver 5.0.0",
  software: true,
  served: "SwiftShader (CPU Vulkan driver from Debian's chromium)",
};

describe("selectBackend", () => {
  test("an unknown name is rejected with the valid names", async () => {
    await assert.rejects(selectBackend("wasmm" as BackendName), {
      message: 'Unknown backend "wasmm". Expected one of: auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu',
    });
    assert.throws(() => parseBackendRequest("gpu"), {
      message: 'Unknown backend "gpu". Expected one of: auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu',
    });
    assert.equal(parseBackendRequest("cpu"), "cpu");
  });

  test("auto collects every failure, times each backend that loads and keeps the fastest, not the first", async () => {
    const loads: string[] = [];
    const timed: string[] = [];
    const table = [fake("tfjs-node-gpu", loads, "no CUDA"), fake("tfjs-node", loads, "not installed"), fake("wasm", loads), fake("cpu", loads)];
    const choice = await selectBackend("auto", table, { timer: fakeTimer({ wasm: 500, cpu: 800 }, timed) });
    assert.equal(choice.name, "cpu");
    assert.equal(choice.reason, "auto: fastest timed training step: wasm 500 samples/s, cpu 800 samples/s; tfjs-node-gpu, tfjs-node did not load");
    assert.deepEqual(choice.rejected, [
      { name: "tfjs-node-gpu", reason: "no CUDA" },
      { name: "tfjs-node", reason: "not installed" },
    ]);
    assert.deepEqual(
      choice.timings?.map((t) => [t.name, t.state]),
      [
        ["wasm", "timed"],
        ["cpu", "timed"],
      ],
    );
    assert.equal(choice.timingStep, "lenet 28x28x1, batch 128, adam");
    assert.deepEqual(timed, ["wasm", "cpu"]);
    // Every backend loaded once to be timed, then the winner again to make it active.
    assert.deepEqual(loads, ["tfjs-node-gpu", "tfjs-node", "wasm", "cpu", "cpu"]);
  });

  test("a software adapter is neither timed nor chosen by default; allowed, it wins only when fastest", async () => {
    const loads: string[] = [];
    const timed: string[] = [];
    const table = [fake("webgpu", loads, undefined, SWIFTSHADER), fake("wasm", loads), fake("cpu", loads)];
    const rates = { webgpu: 5000, wasm: 500, cpu: 5 };
    const byDefault = await selectBackend("auto", table, { timer: fakeTimer(rates, timed) });
    assert.equal(byDefault.name, "wasm");
    assert.equal(byDefault.adapter, undefined);
    assert.deepEqual(byDefault.timings?.[0], {
      name: "webgpu",
      state: "not-timed",
      reason: "software adapter google swiftshader, slower than wasm; --backend webgpu uses it",
      software: true,
    });
    assert.deepEqual(timed, ["wasm", "cpu"]);
    const allowed = await selectBackend("auto", table, { timer: fakeTimer(rates, timed), allowSoftware: true });
    assert.equal(allowed.name, "webgpu");
    assert.deepEqual(allowed.adapter, SWIFTSHADER);
    const slower = await selectBackend("auto", table, { timer: fakeTimer({ ...rates, webgpu: 1.3 }, timed), allowSoftware: true });
    assert.equal(slower.name, "wasm");
  });

  test("a backend whose timed step fails is recorded and passed over", async () => {
    const loads: string[] = [];
    const choice = await selectBackend("auto", [fake("webgpu", loads), fake("cpu", loads)], { timer: fakeTimer({ cpu: 5 }, []) });
    assert.equal(choice.name, "cpu");
    assert.deepEqual(choice.timings?.[0], { name: "webgpu", state: "errored", error: "no rate for webgpu" });
    assert.equal(choice.reason, "auto: fastest timed training step: webgpu failed its timed step (no rate for webgpu), cpu 5.00 samples/s");
  });

  test("auto with nothing loadable lists every reason", async () => {
    const loads: string[] = [];
    const table = [fake("wasm", loads, "no wasm"), fake("cpu", loads, "no cpu")];
    await assert.rejects(selectBackend("auto", table), {
      message: "No training backend could be loaded:\n  wasm: no wasm\n  cpu: no cpu",
    });
  });

  test("a named backend that fails gives its reason and the valid names", async () => {
    const loads: string[] = [];
    const table = [fake("tfjs-node", loads, "boom"), fake("cpu", loads)];
    await assert.rejects(selectBackend("tfjs-node", table), {
      message: 'Backend "tfjs-node" failed to load: boom. Valid backends: auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu',
    });
    assert.deepEqual(await selectBackend("cpu", table), { name: "cpu", reason: "requested by name", rejected: [] });
    assert.deepEqual(loads, ["tfjs-node", "cpu"]);
  });

  test("a native package that is missing or broken becomes a reason", async () => {
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node' imported from /x"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    await assert.rejects(nativeBackend("tfjs-node", () => Promise.reject(missing)).load(), {
      message: notInstalledReason("tfjs-node"),
    });
    await assert.rejects(nativeBackend("tfjs-node-gpu", () => Promise.reject(new Error("libcudart.so.11.0: cannot open"))).load(), {
      message: "@tensorflow/tfjs-node-gpu failed to load: libcudart.so.11.0: cannot open",
    });
  });

  const skip = nativeInstalled() ? "a native tfjs package is installed on this machine" : false;
  test("auto on this machine times wasm and cpu, keeps the fastest, never times a software adapter; tfjs-node(-gpu) do not load", { skip }, async () => {
    const choice = await selectBackend("auto");
    assert.equal(tf.getBackend(), choice.name);
    const timed = (choice.timings ?? []).filter((t): t is Extract<BackendTiming, { state: "timed" }> => t.state === "timed");
    assert.deepEqual(
      timed.filter((t) => t.name === "wasm" || t.name === "cpu").map((t) => [t.name, t.batchSize]),
      [
        ["wasm", 128],
        ["cpu", 1],
      ],
    );
    assert.equal(choice.name, [...timed].sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0]?.name);
    const webgpu = choice.timings?.find((t) => t.name === "webgpu");
    if (webgpu && webgpu.state !== "errored" && webgpu.software) assert.equal(webgpu.state, "not-timed");
    assert.deepEqual(
      choice.rejected.map((r) => r.name).filter((n) => n !== "webgpu"),
      ["tfjs-node-gpu", "tfjs-node"],
    );
    assert.equal(
      choice.rejected.find((r) => r.name === "tfjs-node")?.reason,
      "not installed: @tensorflow/tfjs-node's install downloads libtensorflow from Google's storage, unreachable here; " +
        "on a connected machine run npm install @tensorflow/tfjs-node",
    );
    assert.match(choice.rejected[0]?.reason ?? "", /^not installed: @tensorflow\/tfjs-node-gpu's install downloads/);
    // A later auto in this process reuses the choice (the export stage, parallel-training children).
    assert.equal(await selectBackend("auto"), choice);
  });
});

describe("pickFastest on a timing table", () => {
  const table: BackendTiming[] = [
    { name: "webgpu", state: "timed", samplesPerSecond: 900, batchSize: 128, steps: 3, ms: 427, software: true },
    { name: "wasm", state: "timed", samplesPerSecond: 556, batchSize: 128, steps: 2, ms: 460 },
    { name: "cpu", state: "timed", samplesPerSecond: 5.2, batchSize: 1, steps: 1, ms: 192 },
  ];
  test("a software adapter never wins by default, even when fastest", () => {
    assert.deepEqual(pickFastest(table), {
      name: "wasm",
      reason: "auto: fastest timed training step: webgpu 900 samples/s, wasm 556 samples/s, cpu 5.20 samples/s (batch 1); webgpu passed over: software adapter",
    });
    assert.equal(pickFastest(table, true)?.name, "webgpu");
  });
  test("a hardware GPU wins when fastest; a software one alone is still used; nothing timed gives undefined", () => {
    const hardware = table.map((t) => (t.name === "webgpu" ? { ...t, software: false } : t));
    assert.equal(pickFastest(hardware)?.name, "webgpu");
    assert.equal(pickFastest([table[0]!])?.name, "webgpu");
    assert.equal(pickFastest([{ name: "cpu", state: "not-timed", reason: "x" }]), undefined);
  });
});
