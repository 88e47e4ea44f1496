/**
 * GPU rows split into on-device time and transfer (profile/device-resident.ts): the copy of a
 * model whose inputs are made and outputs summed on the device computes the same thing; the
 * split applies to GPU EPs on real adapters only; and the row builder turns the paired blocks
 * of `fp32` and `fp32@device` into the row's on-device time and transfer share with its CI,
 * which the roofline then uses (pure, no children).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { asOnnxModel, encodeOnnx } from "../formats/onnx/onnx-io.ts";
import { latencySketch, summarizeLatency } from "../measure/index.ts";
import { buildRows } from "../profile/build-rows.ts";
import { deviceResidentModel, deviceSplitApplies, deviceVariant } from "../profile/device-resident.ts";
import { timingKey, type TimingRecord } from "../formats/run/run-records.ts";
import type { Comparison, OkRow } from "../formats/run/results-schema.ts";
import { gpuSplitSentences } from "../reports/gpu-split.ts";
import { deviceP50 } from "../reports/achieved-work.ts";
import { AT, measuredFacts, planJob, testPlan } from "./fixtures/run-records.ts";

/** y = x · W + b on a [N, 3] float input, W 3×2. */
function tinyModel() {
  const f = (name: string, dims: number[], v: number[]) => ({ name, dataType: 1, dims, floatData: v });
  return asOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "tiny",
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: 3 }] } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: 2 }] } } } }],
      initializer: [f("w", [3, 2], [1, 2, 3, 4, 5, 6]), f("b", [2], [0.5, -0.5])],
      node: [
        { opType: "MatMul", input: ["x", "w"], output: ["xw"] },
        { opType: "Add", input: ["xw", "b"], output: ["y"] },
      ],
    },
  });
}

test("device-resident copy: [1] seed and shape inputs, the output summed on the device, the same arithmetic", async () => {
  const resident = deviceResidentModel(tinyModel());
  assert.ok(!("reason" in resident));
  const session = await ort.InferenceSession.create(encodeOnnx(resident), { logSeverityLevel: 3 });
  try {
    assert.deepEqual([session.inputNames, session.outputNames], [["x__seed", "x__shape"], ["y__sum"]]);
    const out = await session.run({
      x__seed: new ort.Tensor("float32", new Float32Array([2]), [1]),
      x__shape: new ort.Tensor("int64", BigInt64Array.from([4n, 3n]), [2]),
    });
    // each row [2,2,2]·W + b = [18.5, 23.5]; four rows summed
    assert.equal(out["y__sum"]!.data[0], 4 * (18.5 + 23.5));
  } finally {
    await session.release();
  }
  const ids = tinyModel();
  ids.graph.input[0]!.type!.tensorType!.elemType = 7;
  assert.deepEqual(deviceResidentModel(ids), { reason: 'input "x" is not a float tensor (element type 7)' });
});

test("the split applies to the GPU EPs on real adapters only", () => {
  assert.deepEqual(
    [deviceSplitApplies("cuda", false), deviceSplitApplies("webgpu", false), deviceSplitApplies("webgpu", true), deviceSplitApplies("cpu", false)],
    [true, true, false, false],
  );
  assert.equal(deviceVariant("int8"), "int8@device");
});

test("rows: end to end over the device-resident copy in the same paired window gives the on-device time and the transfer share", () => {
  const plan = testPlan([planJob("m", "fp32", "cuda", { onnxPath: "/m.onnx", batches: [32] })], [{ name: "cuda", state: "available", facts: {} }]);
  const e2e = [1.0, 1.0, 1.0];
  const dev = [0.25, 0.25, 0.25];
  const round: TimingRecord = {
    group: "m|cuda",
    batch: 32,
    round: 1,
    finishedAt: AT,
    loadAverage1m: 0.5,
    variants: [
      { name: "fp32", latency: summarizeLatency(e2e), sketch: latencySketch(e2e), sessionCreateMs: 5 },
      { name: "fp32@device", latency: summarizeLatency(dev), sketch: latencySketch(dev), sessionCreateMs: 5 },
    ],
    blocks: [0, 1, 2, 3].flatMap((cycle) => [
      { cycle, variant: "fp32", runs: 3, medianMs: 1 },
      { cycle, variant: "fp32@device", runs: 3, medianMs: 0.25 },
    ]),
    cycles: 4,
    variantErrors: [],
  };
  const built = buildRows({
    plan,
    facts: new Map([["m|fp32|cuda|32", measuredFacts("m|fp32|cuda|32", { accuracy: null })]]),
    timings: new Map([[timingKey(round), round]]),
    rounds: 1,
    cvThreshold: 0.1,
  });
  const row = built.rows[0] as OkRow;
  assert.deepEqual(row.onDevice, { p50Ms: 0.25, transferShare: 0.75, transferShareCi95: [0.75, 0.75] });
  assert.equal(deviceP50(row), 0.25);
  assert.deepEqual(
    built.comparisons.filter((c) => c.kind === "transfer").map((c) => [c.baseline, c.variant, c.speedup, c.paired]),
    [["fp32", "fp32@device", 4, true]],
  );
});

test("split sentences: what dominates per GPU EP, from which batch the device pays, and INT8 as float ops beside its slowdown", () => {
  const row = (batch: number, share: number) =>
    ({ ep: "cuda", precision: "fp32", batch, onDevice: { p50Ms: 1, transferShare: share, transferShareCi95: [share, share] } }) as unknown as OkRow;
  const slower = { kind: "precision", ep: "cuda", variant: "int8", verdict: "slower", speedup: 0.7 } as Comparison;
  assert.deepEqual(gpuSplitSentences([row(1, 0.8), row(32, 0.6), row(256, 0.3)], [slower, { ...slower, speedup: 0.65 }]), [
    "cuda: at batch 1 transfer, launch and synchronisation dominate (transfer 80% of the end-to-end time, FP32 mean over models); at batch 256 transfer is 30%; from batch 256 the device's own time outweighs the transfer.",
    "cuda: INT8 is slower than FP32 here (0.65–0.70× in 2 row(s)) because the CUDA EP runs INT8 QDQ models as float ops (DequantizeLinear, then its FP32 kernels); that is the EP, not the quantization.",
  ]);
  assert.deepEqual(gpuSplitSentences([row(1, 0.9), row(32, 0.7)], []), [
    "cuda: at batch 1 transfer, launch and synchronisation dominate (transfer 90% of the end-to-end time, FP32 mean over models); at batch 32 transfer is 70%; at no batch measured did the device's own time outweigh the transfer: these models are too small to keep this GPU busy, larger batches would.",
  ]);
});
