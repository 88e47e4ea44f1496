import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx, onnx } from "../formats/onnx/onnx-io.ts";
import { foldablePairs, foldBatchNorm } from "../export/quantize/batchnorm-fold.ts";
import { attr, cloneModel, GraphView } from "../formats/onnx/graph-view.ts";
import { quantizeStatic } from "../export/quantize/index.ts";
import { upgradeOpset } from "../export/quantize/opset-upgrade.ts";
import { floatTensor } from "../formats/onnx/tensor-data.ts";

const f = (name: string, dims: number[], values: number[]): onnx.ITensorProto => floatTensor(name, dims, Float32Array.from(values));
const io = (name: string, dims: number[]): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

async function run(model: onnx.IModelProto, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeOnnx(model), { logSeverityLevel: 3 });
  try {
    return (await s.run({ x: new ort.Tensor("float32", x, dims) }))[s.outputNames[0] ?? ""]?.data as Float32Array;
  } finally {
    await s.release();
  }
}

test("BatchNormalization folds into the Conv before it with the same float result", async () => {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "conv-bn",
      node: [
        { opType: "Conv", input: ["x", "w", "b"], output: ["c"], name: "conv", attribute: [attr.ints("kernel_shape", [1, 1])] },
        { opType: "BatchNormalization", input: ["c", "s", "sh", "m", "v"], output: ["y"], name: "bn", attribute: [attr.float("epsilon", 1e-3)] },
      ],
      initializer: [
        f("w", [2, 1, 1, 1], [0.5, -2]),
        f("b", [2], [0.1, 0.2]),
        f("s", [2], [1.5, 0.5]),
        f("sh", [2], [0.3, -0.3]),
        f("m", [2], [0.2, -1]),
        f("v", [2], [4, 0.25]),
      ],
      input: [io("x", [1, 1, 2, 2])],
      output: [io("y", [1, 2, 2, 2])],
    },
  };
  const x = Float32Array.of(1, -1, 2, 0.5);
  const want = await run(model, x, [1, 1, 2, 2]);
  const folded = cloneModel(model);
  const view = new GraphView(folded.graph as onnx.IGraphProto);
  const removed = foldBatchNorm(view, foldablePairs(view));
  assert.deepEqual(
    removed.map((n) => n.name),
    ["bn"],
  );
  assert.deepEqual(
    folded.graph?.node?.map((n) => n.opType),
    ["Conv"],
  );
  const got = await run(folded, x, [1, 1, 2, 2]);
  got.forEach((v, i) => assert.ok(Math.abs(v - (want[i] ?? NaN)) < 1e-5, `${v} vs ${want[i]}`));
});

test("opset 9 → 13: Softmax over a 4-D input keeps its 2-D-coerced meaning; Dropout removed; IR raised", async () => {
  const model: onnx.IModelProto = {
    irVersion: 3,
    opsetImport: [{ domain: "", version: 9 }],
    graph: {
      name: "softmax4d",
      node: [
        { opType: "Dropout", input: ["x"], output: ["d", "mask"], name: "drop", attribute: [attr.float("ratio", 0.5)] },
        { opType: "Softmax", input: ["d"], output: ["y"], name: "soft" },
      ],
      input: [io("x", [1, 3, 1, 2])],
      output: [io("y", [1, 3, 1, 2])],
    },
  };
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  const want = await run(model, x, [1, 3, 1, 2]);
  const up = cloneModel(model);
  const result = upgradeOpset(up, new GraphView(up.graph as onnx.IGraphProto), 13);
  assert.deepEqual(result, { ok: true, from: 9, to: 13 });
  assert.equal(up.irVersion, 7);
  assert.deepEqual(
    up.graph?.node?.map((n) => n.opType),
    ["Shape", "Flatten", "Softmax", "Reshape"],
  );
  const got = await run(up, x, [1, 3, 1, 2]);
  got.forEach((v, i) => assert.ok(Math.abs(v - (want[i] ?? NaN)) < 1e-6));
});

test("opset upgrade refuses ops whose meaning changed, naming them", () => {
  const model: onnx.IModelProto = {
    irVersion: 4,
    opsetImport: [{ domain: "", version: 9 }],
    graph: {
      name: "g",
      node: [
        { opType: "Upsample", input: ["x", "s"], output: ["y"] },
        { opType: "Slice", input: ["y"], output: ["z"] },
      ],
      input: [io("x", [1])],
      output: [io("z", [1])],
    },
  };
  const up = cloneModel(model);
  assert.deepEqual(upgradeOpset(up, new GraphView(up.graph as onnx.IGraphProto), 13), {
    ok: false,
    reason: "cannot raise opset 9 to 13: ops not known to keep their meaning: Slice, Upsample",
  });
});

test("an opset-9 graph that cannot be upgraded is returned float, with the reason on every node", async () => {
  const model: onnx.IModelProto = {
    irVersion: 4,
    opsetImport: [{ domain: "", version: 9 }],
    graph: {
      name: "g",
      node: [{ opType: "Upsample", input: ["x", "s"], output: ["y"], name: "up" }],
      initializer: [f("s", [4], [1, 1, 2, 2])],
      input: [io("x", [1, 1, 2, 2])],
      output: [io("y", [1, 1, 4, 4])],
    },
  };
  const { model: out, report } = await quantizeStatic(model, [], { method: "minmax", activationType: "uint8" });
  assert.deepEqual(
    out.graph?.node?.map((n) => n.opType),
    ["Upsample"],
  );
  assert.deepEqual(report, {
    quantized: [],
    float: [{ name: "up", opType: "Upsample", reason: "cannot raise opset 9 to 10: ops not known to keep their meaning: Upsample" }],
  });
});
