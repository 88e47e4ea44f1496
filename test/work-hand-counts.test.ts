/**
 * Work per inference (profile/work/) against counts worked by hand: LeNet and the basic
 * CNN (the reference models of the labs), a MobileNetV2 inverted-residual block with a
 * depthwise convolution, and a foreign model with grouped convolutions (the ONNX zoo's
 * AlexNet in ../shared/models). Shapes are also checked against what ONNX Runtime returns.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx, readOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { attr } from "../formats/onnx/graph-view.ts";
import { buildReferenceModel } from "./fixtures/reference-models.ts";
import { floatTensor } from "../formats/onnx/tensor-data.ts";
import { countNodeWork, modelWork } from "../profile/work/index.ts";

const ALEXNET = new URL("../../shared/models/light_bvlc_alexnet.onnx", import.meta.url).pathname;
const noAlexNet = existsSync(ALEXNET) ? false : "../shared/models is absent";

/** A MobileNetV2 block: 1×1 expand 24→144, ReLU6, 3×3 depthwise (group 144), ReLU6, 1×1 project 144→24, residual Add. */
function mobilenetV2Block(hw = 56): onnx.IModelProto {
  const f = (name: string, dims: number[]) => floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.01));
  const dim = (v: number | string) => (typeof v === "number" ? { dimValue: v } : { dimParam: v });
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "mobilenetv2-block",
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: ["N", 24, hw, hw].map(dim) } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1, shape: { dim: ["N", 24, hw, hw].map(dim) } } } }],
      initializer: [
        f("we", [144, 24, 1, 1]),
        f("be", [144]),
        f("wd", [144, 1, 3, 3]),
        f("bd", [144]),
        f("wp", [24, 144, 1, 1]),
        f("bp", [24]),
        floatTensor("zero", [], new Float32Array([0])),
        floatTensor("six", [], new Float32Array([6])),
      ],
      node: [
        { opType: "Conv", name: "expand", input: ["x", "we", "be"], output: ["e"] },
        { opType: "Clip", name: "expand_relu6", input: ["e", "zero", "six"], output: ["e6"] },
        {
          opType: "Conv",
          name: "depthwise",
          input: ["e6", "wd", "bd"],
          output: ["d"],
          attribute: [attr.int("group", 144), attr.ints("pads", [1, 1, 1, 1]), attr.ints("kernel_shape", [3, 3])],
        },
        { opType: "Clip", name: "depthwise_relu6", input: ["d", "zero", "six"], output: ["d6"] },
        { opType: "Conv", name: "project", input: ["d6", "wp", "bp"], output: ["p"] },
        { opType: "Add", name: "residual", input: ["p", "x"], output: ["y"] },
      ],
    },
  };
}

test("LeNet: MACs, other ops, weight and activation bytes as counted by hand", () => {
  const w = modelWork(buildReferenceModel("lenet"), { input: [1, 1, 28, 28] }, 1);
  // conv1 32@5×5 on 1×28×28 → 32×24×24: 18,432 outputs × 25 = 460,800; conv2 64@5×5 on 32×12×12 → 64×8×8:
  // 4,096 × 32×25 = 3,276,800; dense 1024→120, 120→84, 84→10: 122,880 + 10,080 + 840.
  assert.equal(w.macs, 460_800 + 3_276_800 + 122_880 + 10_080 + 840);
  assert.equal(w.macs, 3_871_400);
  // bias + relu + 2×2 pool (4 compares per output) per conv, bias + relu per dense, softmax 5 per element
  assert.equal(w.otherOps, 18_432 * 2 + 4_608 * 4 + 4_096 * 2 + 1_024 * 4 + 120 * 2 + 84 * 2 + 10 + 10 * 5);
  assert.equal(w.flops, 2 * 3_871_400 + 68_052);
  // parameters: 832 + 51,264 + 123,000 + 10,164 + 850 = 186,110 floats
  assert.equal(w.weightBytes, 186_110 * 4);
  // activation elements read + written per node (Flatten is a view): 103,006 floats
  assert.equal(
    w.activationBytes,
    (784 + 18_432 + 36_864 + 18_432 + 4_608 + 4_608 + 4_096 + 8_192 + 4_096 + 1_024 + 1_024 + 120 + 240 + 120 + 84 + 168 + 84 + 10 + 20) * 4,
  );
  assert.equal(w.intMacs, 0);
  assert.deepEqual(w.uncounted, []);
  assert.deepEqual(
    w.byFamily.map((f) => [f.family, f.nodes, f.macs]),
    [
      ["conv", 2, 3_737_600],
      ["matmul", 3, 133_800],
      ["pooling", 2, 0],
      ["elementwise", 4, 0],
      ["softmax", 1, 0],
      ["data movement", 1, 0],
    ],
  );
  assert.equal(w.byFamily[0]?.share, (2 * 3_737_600 + 18_432 + 4_096) / w.flops);
});

test("LeNet at batch 32: MACs and activation bytes scale with the batch, weight bytes do not", () => {
  const one = modelWork(buildReferenceModel("lenet"), { input: [1, 1, 28, 28] }, 1);
  const b32 = modelWork(buildReferenceModel("lenet"), { input: [32, 1, 28, 28] }, 32);
  assert.equal(b32.macs, 32 * 3_871_400);
  assert.equal(b32.activationBytes, 32 * one.activationBytes);
  assert.equal(b32.weightBytes, one.weightBytes);
  // weights are read once per call, so batching raises the FLOPs per byte: 6.75 → 17.94
  assert.equal(b32.intensity, (32 * one.flops) / (one.weightBytes + 32 * one.activationBytes));
  assert.equal(one.intensity.toFixed(2), "6.75");
  assert.equal(b32.intensity.toFixed(2), "17.94");
});

test("basic CNN: same-padded 3×3 convs and MatMul+Add dense layers as counted by hand", () => {
  const w = modelWork(buildReferenceModel("basic-cnn"), { input: [1, 1, 28, 28] }, 1);
  // conv1 32@3×3 same → 32×28×28 = 25,088 × 9; conv2 64@3×3 on 32×14×14 → 12,544 × 288; MatMul 3136×128, 128×10
  assert.equal(w.macs, 225_792 + 3_612_672 + 401_408 + 1_280);
  // params: 320 + 18,496 + 401,536 + 1,290 = 421,642 floats; the Reshape's int64 shape is a view's argument, not a weight
  assert.equal(w.weightBytes, 421_642 * 4);
});

test("MobileNetV2 block: the depthwise conv costs C×k×k per output pixel, not C×C×k×k", () => {
  const { nodes } = countNodeWork(mobilenetV2Block(), { x: [1, 24, 56, 56] });
  const macs = Object.fromEntries(nodes.map((n) => [n.name, n.macs]));
  assert.deepEqual(macs, { expand: 10_838_016, expand_relu6: 0, depthwise: 4_064_256, depthwise_relu6: 0, project: 10_838_016, residual: 0 });
  const w = modelWork(mobilenetV2Block(), { x: [1, 24, 56, 56] }, 1);
  assert.equal(w.macs, 56 * 56 * (24 * 144 + 144 * 9 + 144 * 24));
  // bias + ReLU6 on 144×56×56 twice, bias + residual add on 24×56×56
  assert.equal(w.otherOps, 451_584 * 4 + 75_264 * 2);
  // 8,520 parameters plus the two shared Clip bounds
  assert.equal(w.weightBytes, 8_520 * 4 + 8);
});

test("foreign AlexNet (ONNX zoo, ConstantOfShape weights): grouped convs count C/group input channels", { skip: noAlexNet }, async () => {
  const model = await readOnnx(ALEXNET);
  const { nodes } = countNodeWork(model, { data_0: [1, 3, 224, 224] });
  const convs = nodes.filter((n) => n.opType === "Conv").map((n) => n.macs);
  assert.deepEqual(convs, [
    96 * 54 * 54 * 3 * 11 * 11, // conv1, stride 4, no pad
    256 * 26 * 26 * 48 * 5 * 5, // conv2, group 2: 96/2 = 48 input channels per output
    384 * 12 * 12 * 256 * 3 * 3,
    384 * 12 * 12 * 192 * 3 * 3, // conv4, group 2
    256 * 12 * 12 * 192 * 3 * 3, // conv5, group 2
  ]);
  const w = modelWork(model, { data_0: [1, 3, 224, 224] }, 1);
  assert.equal(w.macs, 101_616_768 + 207_667_200 + 127_401_984 + 95_551_488 + 63_700_992 + 9216 * 4096 + 4096 * 4096 + 4096 * 1000);
  // 60,965,224 parameters (the ConstantOfShape splats), float
  assert.equal(w.weightBytes, 60_965_224 * 4);
  assert.deepEqual(w.uncounted, []);
});

test("inferred output shapes match what ONNX Runtime returns (batch 3)", async () => {
  const cases: [string, onnx.IModelProto, string, number[]][] = [
    ["lenet", buildReferenceModel("lenet"), "input", [3, 1, 28, 28]],
    ["basic-cnn", buildReferenceModel("basic-cnn"), "input", [3, 1, 28, 28]],
    ["mobilenetv2-block", mobilenetV2Block(14), "x", [3, 24, 14, 14]],
  ];
  for (const [label, model, input, shape] of cases) {
    const { shapes } = countNodeWork(model, { [input]: shape });
    const session = await ort.InferenceSession.create(encodeOnnx(model), { logSeverityLevel: 3 });
    try {
      const feeds = { [input]: new ort.Tensor("float32", new Float32Array(shape.reduce((a, b) => a * b, 1)), shape) };
      const out = await session.run(feeds);
      for (const name of session.outputNames) assert.deepEqual(shapes.dims.get(name), out[name]?.dims, `${label} ${name}`);
    } finally {
      await session.release();
    }
  }
});

test("INT8 QDQ LeNet is counted as ORT fuses it: integer MACs, int8 weights, uint8 activations between layers", async () => {
  const { quantizeStatic } = await import("../export/quantize/index.ts");
  const { randomImageFeeds } = await import("./fixtures/reference-models.ts");
  const { model } = await quantizeStatic(buildReferenceModel("lenet"), randomImageFeeds(2, 4), {
    method: "minmax",
    activationType: "uint8",
    minConvInputChannels: 0,
  });
  const w = modelWork(model, { input: [1, 1, 28, 28] }, 1);
  assert.equal(w.macs, 3_871_400);
  assert.equal(w.intMacs, 3_871_400);
  // int8 weights (185,800) + int32 biases (310 × 4) + the float scale and uint8 zero point of the two
  // nodes that stay unfused: the input QuantizeLinear and the DequantizeLinear before Softmax
  assert.equal(w.weightBytes, 185_800 + 310 * 4 + 2 * (4 + 1));
  const fp32 = modelWork(buildReferenceModel("lenet"), { input: [1, 1, 28, 28] }, 1);
  assert.ok(w.activationBytes < fp32.activationBytes / 2, `${w.activationBytes} vs ${fp32.activationBytes}`);
});

test("a node whose output shape cannot be inferred is named by its output when it has no name", () => {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "unknown-op",
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1 } } }],
      node: [{ opType: "NonMaxSuppression", input: ["x"], output: ["y"] }],
    },
  };
  assert.deepEqual(modelWork(model, { x: [1, 4] }, 1).uncounted, ['output shape of NonMaxSuppression "y" not inferred']);
});
