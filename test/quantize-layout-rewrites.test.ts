import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { attr, cloneModel, GraphView } from "../formats/onnx/graph-view.ts";
import { floatTensor } from "../formats/onnx/tensor-data.ts";
import { flattenChannelsLast, permuteRowsToChannelsLast } from "../export/quantize/channels-last-flatten.ts";
import { moveReluAfterPool } from "../export/quantize/float-conv-boundary.ts";
import { optimizedOpHistogram, quantizeStatic } from "../export/quantize/index.ts";
import { buildLenet, weights } from "../bench/lenet-model.ts";

const input = (batch: number, seed: number): Float32Array => Float32Array.from(weights(batch * 784, seed, 1), Math.abs);

async function run(model: onnx.IModelProto, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeOnnx(model), { logSeverityLevel: 3 });
  try {
    const name = s.inputNames[0] ?? "";
    return (await s.run({ [name]: new ort.Tensor("float32", x, dims) }))[s.outputNames[0] ?? ""]?.data as Float32Array;
  } finally {
    await s.release();
  }
}

async function histogram(model: onnx.IModelProto): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), "layout-"));
  try {
    const file = join(dir, "m.onnx");
    await writeFile(file, encodeOnnx(model));
    return await optimizedOpHistogram(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);

test("(c, h, w) rows permuted to (h, w, c) order: C=2, H=1, W=2 with 2 columns", () => {
  // rows 0..3 are (c0,w0) (c0,w1) (c1,w0) (c1,w1); NHWC order reads (w0,c0) (w0,c1) (w1,c0) (w1,c1)
  const rows = Float32Array.of(0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5);
  assert.deepEqual([...permuteRowsToChannelsLast(rows, [2, 1, 2], 2)], [0, 0.5, 2, 2.5, 1, 1.5, 3, 3.5]);
});

test("Conv → Relu → MaxPool becomes Conv → MaxPool → Relu with the bias kept in the Conv, bit for bit the same output", async () => {
  const model = buildLenet(3);
  const rewritten = cloneModel(model);
  const view = new GraphView(rewritten.graph);
  const conv = view.nodes[0];
  assert.ok(conv);
  assert.equal(moveReluAfterPool(view, conv), true);
  assert.deepEqual(
    view.nodes.slice(0, 4).map((n) => `${n.opType}(${n.input.join(",")})`),
    ["Conv(input,c1_w,c1_b)", "MaxPool(a1)", "Relu(a3_before_relu)", "Conv(a3,c2_w,c2_b)"],
  );
  const x = input(4, 7);
  assert.deepEqual(await run(rewritten, x, [4, 1, 28, 28]), await run(model, x, [4, 1, 28, 28]));
  // the second Conv's Relu → MaxPool rewritten too; a Conv without that pattern (none left) is not
  const second = view.nodes[3];
  assert.ok(second);
  assert.equal(moveReluAfterPool(view, second), true);
  assert.equal(moveReluAfterPool(view, second), false);
});

test("Flatten in NHWC order with the Gemm's rows permuted: same float output (LeNet, Gemm weight [400, 120])", async () => {
  const model = buildLenet(5);
  const rewritten = cloneModel(model);
  const view = new GraphView(rewritten.graph);
  const flatten = view.nodes.find((n) => n.opType === "Flatten");
  assert.ok(flatten);
  const dims = new Map([["a6", [16, 5, 5]]]);
  const transpose = flattenChannelsLast({ view, quantized: () => true, dimsOf: (t) => dims.get(t) }, flatten);
  assert.equal(`${transpose?.opType}(${transpose?.input.join(",")}) → ${transpose?.output.join(",")}`, "Transpose(a6) → a6_nhwc");
  assert.deepEqual(flatten.input, ["a6_nhwc"]);
  const x = input(3, 11);
  const diff = maxAbsDiff(await run(rewritten, x, [3, 1, 28, 28]), await run(model, x, [3, 1, 28, 28]));
  assert.ok(diff < 1e-5, `max |difference| ${diff}`);
});

test("Flatten in NHWC order: a Gemm with transB = 1 gets its columns permuted; unknown dims, H·W = 1 and a float producer leave the graph as it was", async () => {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "conv-flatten-gemm",
      node: [
        { opType: "Conv", input: ["x", "w", "b"], output: ["c"], name: "conv", attribute: [attr.ints("kernel_shape", [1, 1])] },
        { opType: "Flatten", input: ["c"], output: ["f"], name: "flatten" },
        { opType: "Gemm", input: ["f", "g", "gb"], output: ["y"], name: "gemm", attribute: [attr.int("transB", 1)] },
      ],
      initializer: [
        floatTensor("w", [2, 1, 1, 1], Float32Array.of(0.5, -2)),
        floatTensor("b", [2], Float32Array.of(0.1, 0.2)),
        floatTensor("g", [3, 8], Float32Array.from(weights(24, 2, 1))),
        floatTensor("gb", [3], Float32Array.of(0, 1, 2)),
      ],
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: [1, 1, 2, 2].map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1, shape: { dim: [1, 3].map((d) => ({ dimValue: d })) } } } }],
    },
  };
  const attempt = (dims: number[] | undefined, quantized: (opType: string) => boolean): { model: onnx.IModelProto; changed: boolean } => {
    const m = cloneModel(model);
    const view = new GraphView(m.graph);
    const flatten = view.nodes[1];
    assert.ok(flatten);
    const t = flattenChannelsLast({ view, quantized: (n) => quantized(n.opType), dimsOf: (name) => (name === "c" ? dims : undefined) }, flatten);
    return { model: m, changed: t !== undefined };
  };
  const done = attempt([2, 2, 2], () => true);
  assert.equal(done.changed, true);
  const x = Float32Array.of(1, -1, 2, 0.5);
  const diff = maxAbsDiff(await run(done.model, x, [1, 1, 2, 2]), await run(model, x, [1, 1, 2, 2]));
  assert.ok(diff < 1e-6, `max |difference| ${diff}`);
  assert.equal(attempt(undefined, () => true).changed, false);
  assert.equal(attempt([8, 1, 1], () => true).changed, false);
  assert.equal(attempt([2, 2, 2], (op) => op !== "Conv").changed, false);
});

test("LeNet in int8 with its image-input Conv float: ORT runs no Add and no Transpose before the Flatten; every Conv int8: one Transpose (the 1-channel input)", async () => {
  const model = buildLenet(9);
  const feeds = [1, 2, 3].map((s) => ({ input: new ort.Tensor("float32", input(8, s), [8, 1, 28, 28]) }));
  const firstFloat = await quantizeStatic(model, feeds, { method: "minmax", activationType: "uint8", floatNodes: new Map([["a1", "kept float by the test"]]) });
  assert.deepEqual(
    firstFloat.model.graph.node.filter((n) => !["QuantizeLinear", "DequantizeLinear"].includes(n.opType)).map((n) => n.opType),
    ["Conv", "MaxPool", "Relu", "Conv", "MaxPool", "Transpose", "Flatten", "Gemm", "Gemm", "Gemm"],
  );
  const h = await histogram(firstFloat.model);
  assert.deepEqual(
    { Add: h.Add, Transpose: h.Transpose, QLinearConv: h.QLinearConv, QGemm: h.QGemm, ReorderOutput: h.ReorderOutput },
    { Add: undefined, Transpose: 1, QLinearConv: 1, QGemm: 2, ReorderOutput: 1 },
  );
  const all = await quantizeStatic(model, feeds, { method: "minmax", activationType: "uint8" });
  const hAll = await histogram(all.model);
  assert.deepEqual({ Transpose: hAll.Transpose, QLinearConv: hAll.QLinearConv }, { Transpose: 1, QLinearConv: 2 });
  const x = input(2, 4);
  const want = await run(model, x, [2, 1, 28, 28]);
  for (const q of [firstFloat, all]) {
    const diff = maxAbsDiff(await run(q.model, x, [2, 1, 28, 28]), want);
    assert.ok(diff < 0.05 * Math.max(...want.map(Math.abs)), `int8 differs from float by ${diff}`);
  }
});
