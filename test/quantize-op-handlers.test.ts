/**
 * Each handler of the quantizer's op table (`op-handlers.ts`) on a small graph: the node is
 * quantized (in the report's `quantized` list, absent from `float`), the quantized model runs
 * in ONNX Runtime and stays close to float; the reasons ops stay float; the forced-float set.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx, onnx } from "../formats/onnx/onnx-io.ts";
import { attr } from "../formats/onnx/graph-view.ts";
import { quantizeStatic } from "../export/quantize/index.ts";
import { OP_HANDLERS } from "../export/quantize/op-handlers.ts";
import { floatTensor, int64Tensor } from "../formats/onnx/tensor-data.ts";

const seq = (n: number, scale: number, offset = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + offset) * scale);
const out = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1 } } });
const input = (name: string, dims: number[]): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

/** x [1,4,4,4] → Conv "conv" (1×1, 4→4) → c → `nodes` → y. */
function afterConv(nodes: onnx.INodeProto[], inits: onnx.ITensorProto[] = []): onnx.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "handler",
      node: [{ opType: "Conv", name: "conv", input: ["x", "w", "b"], output: ["c"], attribute: [attr.ints("kernel_shape", [1, 1])] }, ...nodes],
      initializer: [floatTensor("w", [4, 4, 1, 1], seq(16, 0.5)), floatTensor("b", [4], seq(4, 0.1, 3)), ...inits],
      input: [input("x", [1, 4, 4, 4])],
      output: [out(nodes.length ? "y" : "c")],
    },
  };
}

/** x [1,8] → `op` "op" with constant weight [8,4] (and bias [4] for Gemm) → y. */
function weighted(op: "Gemm" | "MatMul"): onnx.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: op,
      node: [{ opType: op, name: "op", input: op === "Gemm" ? ["x", "w", "b"] : ["x", "w"], output: ["y"] }],
      initializer: [floatTensor("w", [8, 4], seq(32, 0.5)), ...(op === "Gemm" ? [floatTensor("b", [4], seq(4, 0.1))] : [])],
      input: [input("x", [1, 8])],
      output: [out("y")],
    },
  };
}

const k = (name: string, values: number[]) => floatTensor(name, values.length === 1 ? [] : [1, values.length, 1, 1], Float32Array.from(values));
const CASES: Record<string, onnx.IModelProto> = {
  Conv: afterConv([]),
  Gemm: weighted("Gemm"),
  MatMul: weighted("MatMul"),
  Add: afterConv([{ opType: "Add", name: "op", input: ["c", "k"], output: ["y"] }], [k("k", [0.1, -0.2, 0.3, 0])]),
  Mul: afterConv([{ opType: "Mul", name: "op", input: ["c", "k"], output: ["y"] }], [k("k", [0.5, 1, 1.5, 2])]),
  Concat: afterConv([{ opType: "Concat", name: "op", input: ["c", "c"], output: ["y"], attribute: [attr.int("axis", 1)] }]),
  GlobalAveragePool: afterConv([{ opType: "GlobalAveragePool", name: "op", input: ["c"], output: ["y"] }]),
  AveragePool: afterConv([
    { opType: "AveragePool", name: "op", input: ["c"], output: ["y"], attribute: [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2])] },
  ]),
  Relu: afterConv([{ opType: "Relu", name: "op", input: ["c"], output: ["y"] }]),
  Clip: afterConv([{ opType: "Clip", name: "op", input: ["c", "lo", "hi"], output: ["y"] }], [k("lo", [0]), k("hi", [0.3])]),
  LeakyRelu: afterConv([{ opType: "LeakyRelu", name: "op", input: ["c"], output: ["y"], attribute: [attr.float("alpha", 0.1)] }]),
  Sigmoid: afterConv([{ opType: "Sigmoid", name: "op", input: ["c"], output: ["y"] }]),
  MaxPool: afterConv([
    { opType: "MaxPool", name: "op", input: ["c"], output: ["y"], attribute: [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2])] },
  ]),
  Reshape: afterConv([{ opType: "Reshape", name: "op", input: ["c", "shape"], output: ["y"] }], [int64Tensor("shape", [2], [1, -1])]),
  Flatten: afterConv([{ opType: "Flatten", name: "op", input: ["c"], output: ["y"] }]),
  Transpose: afterConv([{ opType: "Transpose", name: "op", input: ["c"], output: ["y"], attribute: [attr.ints("perm", [0, 2, 3, 1])] }]),
  Squeeze: afterConv([{ opType: "Squeeze", name: "op", input: ["c", "axes"], output: ["y"] }], [int64Tensor("axes", [1], [0])]),
  Unsqueeze: afterConv([{ opType: "Unsqueeze", name: "op", input: ["c", "axes"], output: ["y"] }], [int64Tensor("axes", [1], [0])]),
};

function feedOf(model: onnx.IModelProto, seed: number): Record<string, ort.Tensor> {
  const dims = (model.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? []).map((d) => Number(d.dimValue));
  return {
    x: new ort.Tensor(
      "float32",
      seq(
        dims.reduce((a, b) => a * b, 1),
        1,
        seed,
      ),
      dims,
    ),
  };
}

async function run(model: onnx.IModelProto, feed: Record<string, ort.Tensor>): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeOnnx(model), { logSeverityLevel: 3 });
  try {
    return (await s.run(feed))[s.outputNames[0] ?? ""]?.data as Float32Array;
  } finally {
    await s.release();
  }
}

const calibration = (model: onnx.IModelProto) => [feedOf(model, 0), feedOf(model, 1)];

describe("quantizer op handlers", () => {
  it("every op in the table has a case here", () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(OP_HANDLERS).sort());
  });

  for (const [op, model] of Object.entries(CASES)) {
    it(`${op} (${OP_HANDLERS[op]?.kind}) is quantized, runs and stays close to float`, async () => {
      const { model: q, report } = await quantizeStatic(model, calibration(model), { method: "minmax", activationType: "uint8" });
      const name = op === "Conv" ? "conv" : "op";
      assert.ok(
        report.quantized.some((n) => n.name === name),
        JSON.stringify(report),
      );
      assert.deepEqual(
        report.float.filter((n) => n.name === name),
        [],
      );
      assert.ok((q.graph?.node ?? []).some((n) => n.opType === "QuantizeLinear"));
      const feed = feedOf(model, 5);
      const [want, got] = [await run(model, feed), await run(q, feed)];
      assert.equal(got.length, want.length);
      const diff = want.reduce((m, v, i) => Math.max(m, Math.abs(v - (got[i] ?? NaN))), 0);
      assert.ok(diff < 0.05, `${op}: max |int8 − fp32| ${diff}`);
    });
  }

  it("names why nodes stay float: non-constant weight, no quantized producer, Softmax, an op outside the table", async () => {
    const model: onnx.IModelProto = {
      irVersion: 8,
      opsetImport: [{ domain: "", version: 13 }],
      graph: {
        name: "reasons",
        node: [
          { opType: "MaxPool", name: "pool", input: ["x"], output: ["p"], attribute: [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2])] },
          { opType: "Conv", name: "conv", input: ["p", "wi"], output: ["c"], attribute: [attr.ints("kernel_shape", [1, 1])] },
          { opType: "Tanh", name: "tanh", input: ["c"], output: ["t"] },
          { opType: "Softmax", name: "soft", input: ["t"], output: ["y"], attribute: [attr.int("axis", 1)] },
        ],
        input: [input("x", [1, 4, 4, 4]), input("wi", [4, 4, 1, 1])],
        output: [out("y")],
      },
    };
    const feed = { ...feedOf(model, 0), wi: new ort.Tensor("float32", seq(16, 0.5), [4, 4, 1, 1]) };
    const { report } = await quantizeStatic(model, [feed], { method: "minmax", activationType: "uint8" });
    assert.deepEqual(report.quantized, []);
    assert.deepEqual(report.float, [
      { name: "pool", opType: "MaxPool", reason: "input not produced by a quantized op" },
      { name: "conv", opType: "Conv", reason: 'weight "wi" is not a constant' },
      { name: "tanh", opType: "Tanh", reason: "Tanh is not in the quantized op set (no ORT CPU QDQ fusion for it)" },
      { name: "soft", opType: "Softmax", reason: "Softmax output kept float: probabilities would be rounded to 1/256 steps" },
    ]);
  });

  it("floatNodes keeps a node float with the caller's reason, and data movement after it follows", async () => {
    const model = CASES.MaxPool!;
    const { report } = await quantizeStatic(model, calibration(model), {
      method: "minmax",
      activationType: "uint8",
      floatNodes: new Map([["conv", "kept float by test"]]),
    });
    assert.deepEqual(report.quantized, []);
    assert.deepEqual(report.float, [
      { name: "conv", opType: "Conv", reason: "kept float by test" },
      { name: "op", opType: "MaxPool", reason: "input not produced by a quantized op" },
    ]);
  });
});
