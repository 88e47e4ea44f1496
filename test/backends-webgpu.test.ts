/**
 * The webgpu training backend: the adapter search (fallback recorded, every failure named),
 * the software check, the training-kernel list, and — where Dawn finds an adapter (here
 * SwiftShader from Debian's chromium) — one training step of lenet and basic-cnn on webgpu
 * against the cpu backend: same weights within 1e-4.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../train/index.ts";
import { missingTrainingKernels, selectBackend, type BackendChoice } from "../train/backends/index.ts";
import { findAdapter, isSoftwareAdapter, type AdapterProbe } from "../train/backends/webgpu-adapter.ts";
import { webgpuProbeEnvs } from "../profile/eps/webgpu-ep.ts";

const TOLERANCE = 1e-4;

const NVIDIA = { ok: true, vendor: "nvidia", architecture: "hopper", device: "", description: "NVIDIA H200", isFallbackAdapter: false } as const;

describe("webgpu adapter search", () => {
  test("the first environment with an adapter serves; the ones before are recorded with their reasons", async () => {
    const envs = [
      { label: "system Vulkan drivers (/usr/share/vulkan/icd.d/lvp_icd.x86_64.json)", env: {} as Record<string, string> },
      { label: "NVIDIA", env: { VK_ICD_FILENAMES: "/n.json" } },
      { label: "never tried", env: {} },
    ];
    const tried: string[] = [];
    const probe = async (env: Readonly<Record<string, string>>): Promise<AdapterProbe> => {
      tried.push(env.VK_ICD_FILENAMES ?? "system");
      return env.VK_ICD_FILENAMES ? NVIDIA : { ok: false, reason: "Dawn found no adapter" };
    };
    const { adapter, env } = await findAdapter(envs, "install a driver", probe);
    assert.deepEqual(tried, ["system", "/n.json"]);
    assert.equal(env.label, "NVIDIA");
    assert.deepEqual(adapter, {
      vendor: "nvidia",
      architecture: "hopper",
      device: "",
      description: "NVIDIA H200",
      software: false,
      served: "NVIDIA",
      fallbackFrom: [{ label: "system Vulkan drivers (/usr/share/vulkan/icd.d/lvp_icd.x86_64.json)", reason: "Dawn found no adapter" }],
    });
  });

  test("no adapter anywhere names every environment, its reason and the fix", async () => {
    const envs = [
      { label: "a", env: {} },
      { label: "b", env: {} },
    ];
    const reasons = ["Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file", "Dawn found no adapter"];
    let i = 0;
    await assert.rejects(
      findAdapter(envs, "install your GPU's Vulkan driver", async () => ({ ok: false, reason: reasons[i++]! })),
      {
        message:
          "no WebGPU adapter (a: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file; b: Dawn found no adapter); install your GPU's Vulkan driver",
      },
    );
  });

  test("software adapters: SwiftShader, lavapipe, llvmpipe or a fallback adapter", () => {
    const base = { vendor: "", architecture: "", device: "", description: "", isFallbackAdapter: false };
    assert.equal(isSoftwareAdapter({ ...base, vendor: "google", architecture: "swiftshader" }), true);
    assert.equal(isSoftwareAdapter({ ...base, vendor: "mesa", description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), true);
    assert.equal(isSoftwareAdapter({ ...base, isFallbackAdapter: true }), true);
    assert.equal(isSoftwareAdapter({ ...base, vendor: "nvidia", architecture: "hopper", description: "NVIDIA H200" }), false);
  });

  test("tfjs-backend-webgpu has every kernel a training run of the zoo models needs (wasm lacks three)", async () => {
    await import("@tensorflow/tfjs-backend-webgpu");
    await import("@tensorflow/tfjs-backend-wasm");
    assert.deepEqual(missingTrainingKernels("webgpu"), []);
    assert.deepEqual(missingTrainingKernels("cpu"), []);
    assert.deepEqual(missingTrainingKernels("wasm"), ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput"]);
  });
});

/** The weights after one sgd step on `backend` from the seeded initial weights, batch 2. */
async function stepWeights(backend: "cpu" | "webgpu", model: string): Promise<Float32Array[]> {
  assert.equal(await tf.setBackend(backend), true);
  const m = buildModel(model, { inputShape: [28, 28, 1], numClasses: 10, seed: 3 });
  const xs = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 5);
  const ys = tf.oneHot(tf.tensor1d([3, 7], "int32"), 10);
  try {
    m.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    await m.trainOnBatch(xs, ys);
    return (await Promise.all(m.getWeights().map((w) => w.data()))) as Float32Array[];
  } finally {
    tf.dispose([xs, ys]);
    m.dispose();
  }
}

describe("one training step on webgpu matches the cpu backend", () => {
  let choice: BackendChoice | undefined;
  let why = "";
  before(async () => {
    try {
      choice = await selectBackend("webgpu");
    } catch (e) {
      why = (e as Error).message;
    }
  });

  for (const model of ["lenet", "basic-cnn"]) {
    test(`${model}: weights within ${TOLERANCE} of cpu's`, async (t) => {
      // No Vulkan driver gives Dawn an adapter (apt-get install chromium gives SwiftShader's): nothing to compare.
      if (!choice)
        return t.skip(
          why ||
            webgpuProbeEnvs()
              .map((e) => e.label)
              .join(", "),
        );
      assert.ok(choice.adapter, "the webgpu choice records its adapter");
      const want = await stepWeights("cpu", model);
      const got = await stepWeights("webgpu", model);
      assert.equal(got.length, want.length);
      let maxDiff = 0;
      let moved = 0;
      for (let i = 0; i < want.length; i++) {
        for (let j = 0; j < want[i]!.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(got[i]![j]! - want[i]![j]!));
        }
      }
      const initial = buildModel(model, { inputShape: [28, 28, 1], numClasses: 10, seed: 3 });
      const start = (await Promise.all(initial.getWeights().map((w) => w.data()))) as Float32Array[];
      initial.dispose();
      for (let i = 0; i < want.length; i++) for (let j = 0; j < want[i]!.length; j++) moved = Math.max(moved, Math.abs(want[i]![j]! - start[i]![j]!));
      assert.ok(moved > 1e-3, `the step moved the weights (max ${moved})`);
      assert.ok(maxDiff <= TOLERANCE, `${model}: max abs weight difference ${maxDiff} > ${TOLERANCE} (adapter ${JSON.stringify(choice.adapter)})`);
    });
  }
});
