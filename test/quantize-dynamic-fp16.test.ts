import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx } from "../formats/onnx/onnx-io.ts";
import { convertFp16, quantizeDynamic } from "../export/quantize/index.ts";
import { buildReferenceModel, randomImageFeeds } from "./fixtures/reference-models.ts";

async function run(bytes: Uint8Array, feed: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    return (await session.run(feed))[session.outputNames[0] ?? ""] as ort.Tensor;
  } finally {
    await session.release();
  }
}

const fp32 = buildReferenceModel("lenet");
const feed = randomImageFeeds(1, 3, 11)[0] ?? {};

test("dynamic: Conv → ConvInteger, Gemm → MatMulInteger; runs close to float; report lists them", async () => {
  const { model, report } = quantizeDynamic(fp32);
  const ops = (model.graph?.node ?? []).map((n) => n.opType);
  assert.equal(ops.filter((o) => o === "ConvInteger").length, 2);
  assert.equal(ops.filter((o) => o === "MatMulInteger").length, 3);
  assert.deepEqual(
    report.quantized.map((q) => q.opType),
    ["Conv", "Conv", "Gemm", "Gemm", "Gemm"],
  );
  assert.ok(report.float.every((f) => f.reason.includes("no integer kernel")));
  const want = (await run(encodeOnnx(fp32), feed)).data as Float32Array;
  const got = (await run(encodeOnnx(model), feed)).data as Float32Array;
  const diff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - (want[i] ?? NaN))), 0);
  assert.ok(diff < 0.05, `max diff ${diff}`);
  assert.ok(encodeOnnx(model).byteLength < encodeOnnx(fp32).byteLength / 3);
});

test("fp16: float16 weights, float32 interface, ops without CPU fp16 kernels kept float and reported", async () => {
  const { model, report } = convertFp16(fp32);
  assert.ok(Math.abs(encodeOnnx(model).byteLength / encodeOnnx(fp32).byteLength - 0.5) < 0.02);
  assert.ok((model.graph?.initializer ?? []).filter((t) => t.dataType === 1).length === 0, "no float32 initializers left");
  assert.deepEqual(
    report.float.find((f) => f.opType === "Conv"),
    {
      name: "conv_1",
      opType: "Conv",
      reason: "no float16 kernel for Conv in ORT's CPU EP (x86-64): kept float32",
    },
  );
  const out = await run(encodeOnnx(model), feed);
  assert.equal(out.type, "float32");
  const want = (await run(encodeOnnx(fp32), feed)).data as Float32Array;
  const diff = (out.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - (want[i] ?? NaN))), 0);
  assert.ok(diff < 1e-2, `max diff ${diff}`);
});

test("fp16 with every op allowed runs in float16 inside, float32 at the edges", async () => {
  const all = new Set(["Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Softmax"]);
  const { model, report } = convertFp16(fp32, { fp16Ops: all });
  assert.equal(report.float.length, 0);
  assert.equal(report.quantized.length, 13);
  const out = await run(encodeOnnx(model), feed);
  assert.equal(out.type, "float32");
  const want = (await run(encodeOnnx(fp32), feed)).data as Float32Array;
  const diff = (out.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - (want[i] ?? NaN))), 0);
  assert.ok(diff < 2e-2, `max diff ${diff}`);
});
