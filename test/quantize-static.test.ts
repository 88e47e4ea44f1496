import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as ort from "onnxruntime-node";
import { encodeOnnx, writeOnnx } from "../formats/onnx/onnx-io.ts";
import { optimizedOpHistogram, quantizeStatic } from "../export/quantize/index.ts";
import { buildReferenceModel, randomImageFeeds } from "./fixtures/reference-models.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "quantize-static-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(model: Uint8Array | string, feed: Record<string, ort.Tensor>): Promise<Float32Array> {
  const options: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3 };
  const session = typeof model === "string" ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  try {
    const out = await session.run(feed);
    return out[session.outputNames[0] ?? ""]?.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
}

for (const name of ["lenet", "basic-cnn"] as const) {
  test(`${name}: static uint8 QDQ by default fuses every Conv into QLinearConv, stays close to float, file smaller`, async () => {
    const fp32 = buildReferenceModel(name);
    const { model, report } = await quantizeStatic(fp32, randomImageFeeds(4, 8), { method: "minmax", activationType: "uint8" });
    const path = join(dir, `${name}.int8.onnx`);
    const size = await writeOnnx(path, model);
    assert.ok(size < encodeOnnx(fp32).byteLength / 3, `int8 ${size} B`);
    const hist = await optimizedOpHistogram(path);
    assert.equal(hist.QLinearConv, 2);
    assert.equal(hist.Conv, undefined);
    if (name === "lenet") assert.equal(hist.QGemm, 3);
    else assert.equal(hist.QLinearMatMul, 2);
    assert.deepEqual(report.float, [
      { name: "softmax_13", opType: "Softmax", reason: "Softmax output kept float: probabilities would be rounded to 1/256 steps" },
    ]);
    assert.ok(report.quantized.filter((q) => q.opType === "Conv").length === 2);
    const feed = randomImageFeeds(1, 4, 99)[0] ?? {};
    const diff = maxAbsDiff(await run(encodeOnnx(fp32), feed), await run(path, feed));
    assert.ok(diff < 0.05, `max |int8 − fp32| = ${diff}`);
  });

  test(`${name}: with minConvInputChannels 4 the first Conv (1 input channel) stays float, bias and Relu move after its pool, the rest fuses`, async () => {
    const fp32 = buildReferenceModel(name);
    const { model, report } = await quantizeStatic(fp32, randomImageFeeds(4, 8), { method: "minmax", activationType: "uint8", minConvInputChannels: 4 });
    const path = join(dir, `${name}.default.onnx`);
    await writeOnnx(path, model);
    const hist = await optimizedOpHistogram(path);
    assert.deepEqual([hist.Conv, hist.QLinearConv, hist.MaxPool, hist.NhwcMaxPool], [1, 1, 1, 1]);
    assert.deepEqual(report.float[0], {
      name: "conv_1",
      opType: "Conv",
      reason: "Conv with 1 input channel(s) per group (< minConvInputChannels 4): ORT's int8 QLinearConv is slower than its fp32 Conv there",
    });
    const feed = randomImageFeeds(1, 4, 99)[0] ?? {};
    const diff = maxAbsDiff(await run(encodeOnnx(fp32), feed), await run(path, feed));
    assert.ok(diff < 0.05, `max |int8 − fp32| = ${diff}`);
  });
}

test("lenet: int8 activations, percentile and entropy calibration, per-tensor weights all fuse and run", async () => {
  const fp32 = buildReferenceModel("lenet");
  const feeds = randomImageFeeds(2, 4);
  const feed = randomImageFeeds(1, 2, 5)[0] ?? {};
  const want = await run(encodeOnnx(fp32), feed);
  for (const options of [
    { method: "percentile", activationType: "int8" },
    { method: "entropy", activationType: "uint8" },
    { method: "minmax", activationType: "uint8", perChannel: false },
  ] as const) {
    const { model } = await quantizeStatic(fp32, feeds, { ...options, minConvInputChannels: 0 });
    const path = join(dir, `lenet-${options.method}.onnx`);
    await writeOnnx(path, model);
    assert.equal((await optimizedOpHistogram(path)).QLinearConv, 2, JSON.stringify(options));
    const diff = maxAbsDiff(want, await run(path, feed));
    assert.ok(diff < 0.1, `${JSON.stringify(options)}: max diff ${diff}`);
  }
});

test("static quantization without calibration feeds names the problem", async () => {
  await assert.rejects(quantizeStatic(buildReferenceModel("lenet"), [], { method: "minmax", activationType: "uint8" }), {
    message: "Static quantization needs at least one calibration feed; got 0.",
  });
});
