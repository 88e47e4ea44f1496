import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx, readOnnx } from "../formats/onnx/onnx-io.ts";
import { convertFp16, type QuantReport, quantizeDynamic, quantizeStatic } from "../export/quantize/index.ts";

// ONNX's "light" zoo models (opset 9, weights as ConstantOfShape splats); batch-1 224×224 inputs.
const MODELS = ["light_squeezenet", "light_resnet50", "light_bvlc_alexnet"];
const SHARED = new URL("../../shared/models/", import.meta.url);
const missing = MODELS.every((m) => existsSync(new URL(`${m}.onnx`, SHARED))) ? false : "../shared/models is absent (it sits beside the repository)";

function imageFeed(name: string): Record<string, ort.Tensor> {
  const data = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37));
  return { [name]: new ort.Tensor("float32", data, [1, 3, 224, 224]) };
}

async function runOnce(bytes: Uint8Array, feed: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    return (await session.run(feed))[session.outputNames[0] ?? ""] as ort.Tensor;
  } finally {
    await session.release();
  }
}

function reasons(report: QuantReport): Set<string> {
  return new Set(report.float.map((f) => f.opType));
}

for (const name of MODELS) {
  test(`${name}: static, dynamic and fp16 results load and run in ORT, float nodes reported`, { timeout: 60_000, skip: missing }, async () => {
    const model = await readOnnx(new URL(`${name}.onnx`, SHARED).pathname);
    const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
    const input = (model.graph?.input ?? []).find((v) => !inits.has(v.name))?.name ?? "";
    const feed = imageFeed(input);
    const started = Date.now();

    const st = await quantizeStatic(model, [feed], { method: "minmax", activationType: "uint8" });
    const convs = (model.graph?.node ?? []).filter((n) => n.opType === "Conv").length;
    // every Conv is quantized by default, the 3-channel image-input one too
    assert.equal(st.report.float.filter((f) => f.opType === "Conv").length, 0);
    assert.equal(st.report.quantized.filter((q) => q.opType === "Conv").length, convs);
    assert.equal(st.model.opsetImport?.find((o) => !o.domain)?.version, 13);
    assert.ok(reasons(st.report).has("Softmax"));
    if (name === "light_resnet50") {
      // every BatchNormalization follows a Conv with constant weights: folded, none left float
      assert.equal(st.report.quantized.filter((q) => q.opType === "BatchNormalization").length, 53);
      assert.ok(!reasons(st.report).has("BatchNormalization"));
    }
    if (name === "light_bvlc_alexnet") assert.ok(reasons(st.report).has("LRN"));
    const dyn = quantizeDynamic(model);
    assert.equal(dyn.report.quantized.filter((q) => q.opType === "Conv").length, convs);
    const half = convertFp16(model);
    assert.ok(half.report.float.length > 0);

    for (const [label, m] of [
      ["static", st.model],
      ["dynamic", dyn.model],
      ["fp16", half.model],
    ] as const) {
      const bytes = encodeOnnx(m);
      // splat weights stay ConstantOfShape nodes (small files), except Conv weights with a
      // BatchNormalization folded in: ResNet-50's 23.5 M conv weights become dense int8
      const limit = label === "static" && name === "light_resnet50" ? 25_000_000 : 400_000;
      assert.ok(bytes.byteLength < limit, `${label}: ${bytes.byteLength} B`);
      const out = await runOnce(bytes, feed);
      assert.equal(out.type, "float32", label);
      assert.ok((out.data as Float32Array).every(Number.isFinite), `${label}: non-finite output`);
    }
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
  });
}
