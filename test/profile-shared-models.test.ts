import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SWIFTSHADER_ICD } from "../profile/eps/webgpu-ep.ts";
import { readModelFacts } from "../profile/model-facts.ts";
import { runProfile } from "./profile-with-suite.ts";

const SHARED = new URL("../../shared/models/", import.meta.url).pathname;
const MODELS = ["light_squeezenet", "light_resnet50", "light_bvlc_alexnet"].map((m) => join(SHARED, `${m}.onnx`));
const missing = MODELS.every(existsSync) ? false : `../shared/models is absent`;
/** One-sample rows and no per-op pass: ResNet-50 through SwiftShader takes seconds per inference. */
const FAST = {
  rowBudgetMs: 300,
  warmupTimeMs: 0,
  warmupIterations: 0,
  minTimeMs: 0,
  minIterations: 3,
  profileIterations: 0,
  profileBudgetMs: 0,
  accuracyBudgetMs: 0,
};

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-shared-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("foreign models: real inputs found, ConstantOfShape weights counted", { skip: missing }, async () => {
  const facts = await Promise.all(MODELS.map((p) => readModelFacts(p)));
  assert.deepEqual(
    facts.map((f) => [f.name, f.precision, f.metadata, f.inputs.map((i) => [i.name, i.dims])]),
    [
      ["light_squeezenet", "fp32", undefined, [["data_0", [1, 3, 224, 224]]]],
      ["light_resnet50", "fp32", undefined, [["gpu_0/data_0", [1, 3, 224, 224]]]],
      ["light_bvlc_alexnet", "fp32", undefined, [["data_0", [1, 3, 224, 224]]]],
    ],
  );
  assert.deepEqual(
    facts.map((f) => f.params),
    [1_235_496, 25_610_155, 60_965_226],
  );
});

test("the three shared models profile on cpu, squeezenet on webgpu too; batch 2 is skipped (fixed batch axis)", { skip: missing }, async () => {
  const common = {
    batches: [1, 2],
    quick: true,
    measure: FAST,
    out: join(dir, "out"),
    progress: false,
    printTable: false,
    log: (l: string) => process.env.DEBUG && console.log(new Date().toISOString(), l),
  };
  const run = await runProfile({ ...common, onnx: MODELS, eps: ["cpu"] });
  const states = Object.fromEntries(run.results.rows.map((r) => [r.key, r.state]));
  for (const m of ["light_squeezenet", "light_resnet50", "light_bvlc_alexnet"]) {
    assert.equal(states[`${m}|fp32|cpu|1`], "ok");
    assert.equal(states[`${m}|fp32|cpu|2`], "skipped");
  }
  const skipped = run.results.rows.find((r) => r.key === "light_squeezenet|fp32|cpu|2");
  assert.deepEqual(skipped?.state === "skipped" && [skipped.reason, skipped.fix], [
    'input "data_0" has a fixed batch dimension 1, so batch 2 cannot run',
    "use --batch 1, or export the model with a dynamic batch axis",
  ]);
  if (!existsSync(SWIFTSHADER_ICD)) return;
  // Only SqueezeNet on WebGPU: ResNet-50 and AlexNet take far longer per inference through SwiftShader.
  const gpu = await runProfile({ ...common, onnx: [MODELS[0]!], eps: ["webgpu"], batches: [1] });
  assert.deepEqual(
    gpu.results.rows.map((r) => [r.key, r.state]),
    [["light_squeezenet|fp32|webgpu|1", "ok"]],
  );
});
