/** The training-backend resolver: exact error texts, `auto` on this machine, failure collection with a fake table. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { parseBackendRequest, selectBackend, type BackendName, type TrainingBackend } from "../train/backends/index.ts";
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
function fake(name: BackendName, loads: string[], failure?: string): TrainingBackend {
  return {
    name,
    singleThreaded: true,
    async load() {
      loads.push(name);
      if (failure !== undefined) throw new Error(failure);
    },
  };
}

describe("selectBackend", () => {
  test("an unknown name is rejected with the valid names", async () => {
    await assert.rejects(selectBackend("wasmm" as BackendName), {
      message: 'Unknown backend "wasmm". Expected one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu',
    });
    assert.throws(() => parseBackendRequest("gpu"), {
      message: 'Unknown backend "gpu". Expected one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu',
    });
    assert.equal(parseBackendRequest("cpu"), "cpu");
  });

  test("auto collects every faster failure and stops at the first that loads", async () => {
    const loads: string[] = [];
    const table = [fake("tfjs-node-gpu", loads, "no CUDA"), fake("tfjs-node", loads, "not installed"), fake("wasm", loads), fake("cpu", loads)];
    const choice = await selectBackend("auto", table);
    assert.deepEqual(choice, {
      name: "wasm",
      reason: "auto: fastest backend that loaded (tfjs-node-gpu, tfjs-node did not load)",
      rejected: [
        { name: "tfjs-node-gpu", reason: "no CUDA" },
        { name: "tfjs-node", reason: "not installed" },
      ],
    });
    assert.deepEqual(loads, ["tfjs-node-gpu", "tfjs-node", "wasm"]);
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
      message: 'Backend "tfjs-node" failed to load: boom. Valid backends: auto, tfjs-node-gpu, tfjs-node, wasm, cpu',
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
  test("auto on this machine picks wasm and records why tfjs-node-gpu and tfjs-node did not load", { skip }, async () => {
    const choice = await selectBackend("auto");
    assert.equal(choice.name, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.deepEqual(
      choice.rejected.map((r) => r.name),
      ["tfjs-node-gpu", "tfjs-node"],
    );
    assert.equal(
      choice.rejected[1]?.reason,
      "not installed: @tensorflow/tfjs-node's install downloads libtensorflow from Google's storage, unreachable here; " +
        "on a connected machine run npm install @tensorflow/tfjs-node",
    );
    assert.match(choice.rejected[0]?.reason ?? "", /^not installed: @tensorflow\/tfjs-node-gpu's install downloads/);
  });
});
