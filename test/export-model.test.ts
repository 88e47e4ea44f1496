/** exportModel end to end on a tiny model trained on nothing (random weights) over the synthetic dataset. */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, utimes, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { exportModel, readExportRecord } from "../export/index.ts";
import { readOnnx } from "../formats/onnx/onnx-io.ts";
import { fromMetadataProps } from "../formats/onnx/onnx-metadata.ts";
import { assertCandidates } from "./tune-candidates-helper.ts";
import { saveTfjsModel, writeTrainRecord, TRAIN_RECORD_VERSION, type TrainRecord } from "../formats/model-dir.ts";

const CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** A valid train.json for a synthetic-dataset model. */
export function trainRecord(): TrainRecord {
  return {
    schemaVersion: TRAIN_RECORD_VERSION,
    model: "tiny",
    architecture: [],
    params: { total: 0, trainable: 0, nonTrainable: 0 },
    dataset: {
      name: "synthetic",
      source: "generated",
      inputShape: [28, 28, 1],
      classNames: CLASSES,
      scale: 1 / 255,
      layout: "NHWC",
      trainCount: 1000,
      valCount: 0,
      testCount: 200,
    },
    options: {},
    history: [],
    epochsRun: 0,
    bestEpoch: 0,
    test: { loss: 0, accuracy: 0 },
    trainingSeconds: 0,
    samplesPerSecond: 0,
    backend: { name: "cpu", reason: "test", rejected: [] },
    seed: 1,
    versions: {},
    createdAt: new Date(0).toISOString(),
  };
}

function tinyCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
}

describe("exportModel", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "export-model-"));
    await saveTfjsModel(tinyCnn(), dir);
    await writeTrainRecord(dir, trainRecord());
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("writes model.fp32.onnx with harness metadata and a valid export.json", async () => {
    const lines: string[] = [];
    const record = await exportModel({ modelDir: dir, precisions: ["fp32"], parityLimit: 64, tfjsBackend: "cpu", onProgress: (l) => lines.push(l) });
    assert.equal(record.precisions.length, 1);
    const fp32 = record.precisions[0]!;
    assert.equal(fp32.file, "model.fp32.onnx");
    assert.equal(fp32.bytes, (await stat(join(dir, "model.fp32.onnx"))).size);
    assert.equal(fp32.parity.reference, "tfjs");
    assert.equal(fp32.parity.count, 64);
    assert.equal(fp32.parity.top1Agreement, 1);
    assert.ok(fp32.parity.maxAbsDiff <= 1e-4);
    assert.deepEqual(fp32.parity.thresholds, { maxAbsDiff: 1e-4, top1Agreement: 1 });
    assert.equal(fp32.quantization, null);
    assert.ok((fp32.opHistogram.Conv ?? 0) + (fp32.opHistogram.FusedConv ?? 0) >= 1, JSON.stringify(fp32.opHistogram));
    assert.equal(record.evaluation.tfjsBackend, "cpu");
    assert.equal(record.converter.opset, 17);
    assert.deepEqual(record.converter.inputShape, ["batch", 1, 28, 28]);
    assert.equal(record.converter.outputName, "probabilities");
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^export: fp32 +model\.fp32\.onnx /);

    const onnxModel = await readOnnx(join(dir, "model.fp32.onnx"));
    assert.deepEqual(fromMetadataProps(onnxModel.metadataProps), {
      model: "tiny",
      dataset: "synthetic",
      layout: "NCHW",
      inputShape: [1, 28, 28],
      scale: 1 / 255,
      offset: 0,
      classNames: CLASSES,
      precision: "fp32",
      datasetSeed: 1,
    });
    assert.deepEqual(await readExportRecord(dir), record);
  });

  it("reuses a fresh export.json and re-exports when weights.bin is newer", async () => {
    const first = await readExportRecord(dir);
    const lines: string[] = [];
    const again = await exportModel({ modelDir: dir, precisions: ["fp32"], parityLimit: 64, tfjsBackend: "cpu", onProgress: (l) => lines.push(l) });
    assert.equal(again.createdAt, first.createdAt);
    assert.match(lines[0]!, /is up to date/);

    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, "weights.bin"), later, later);
    const redone = await exportModel({ modelDir: dir, precisions: ["fp32"], parityLimit: 64, tfjsBackend: "cpu" });
    assert.notEqual(redone.createdAt, first.createdAt);
  });

  it("does not reuse a record made with other options", async () => {
    const first = await readExportRecord(dir);
    const other = await exportModel({ modelDir: dir, precisions: ["fp32"], parityLimit: 32, tfjsBackend: "cpu" });
    assert.notEqual(other.createdAt, first.createdAt);
    assert.equal(other.precisions[0]!.parity.count, 32);
  });

  it("readExportRecord names the bad key", async () => {
    const path = join(dir, "export.json");
    const raw = JSON.parse(await readFile(path, "utf8"));
    raw.precisions[0].bytes = "big";
    await writeFile(path, JSON.stringify(raw));
    await assert.rejects(readExportRecord(dir), { message: `Invalid "${path}": precisions.0.bytes: Invalid input: expected number, received string` });
  });

  it("tunes int8 on the CPU EP and records the candidates; int8-all keeps every node quantized", async () => {
    const record = await exportModel({
      modelDir: dir,
      precisions: ["fp32", "int8", "int8-all"],
      parityLimit: 64,
      tfjsBackend: "cpu",
      calibrationSize: 32,
      validationSize: 100,
      tuneMs: 200,
      tuneBatch: 8,
      force: true,
    });
    const t = record.tuning!;
    assert.deepEqual([t.ep, t.batch, t.intraOpThreads, t.accuracyBudgetPoints, t.validation], ["cpu", 8, 0, 0.3, { split: "train", images: 100 }]);
    assertCandidates(t.candidates, [
      ["all", 0],
      ["image-convs-float", 1],
      ["last-float", 1],
    ]);
    assert.ok(
      t.candidates.every((c) => c.speedup !== null && c.accuracy !== null),
      JSON.stringify(t.candidates),
    );
    const chosen = t.candidates.find((c) => c.name === t.chosen)!;
    const int8 = record.precisions.find((p) => p.precision === "int8")!;
    for (const n of chosen.floatNodes)
      assert.ok(
        int8.quantization?.float.some((f) => f.name === n),
        `${n} is float in model.int8.onnx`,
      );
    const all = record.precisions.find((p) => p.precision === "int8-all")!;
    assert.deepEqual(
      all.quantization?.float.map((f) => f.opType),
      ["Softmax"],
    );
    assert.equal((await readExportRecord(dir)).tuning?.chosen, t.chosen);
    // the tuned int8 lives in this machine's folder, named by its fingerprint, with its record beside it
    const id = t.machine!.id;
    assert.equal(int8.file, `tuning/${id}/model.int8.onnx`);
    const kept = JSON.parse(await readFile(join(dir, "tuning", id, "tuning.json"), "utf8")) as {
      tuning: { machine: { id: string } };
      precision: { file: string };
    };
    assert.deepEqual([kept.tuning.machine.id, kept.precision.file], [id, int8.file]);
    assert.equal((await stat(join(dir, "model.int8.onnx"))).size, int8.bytes);

    // a subset of what was exported exports nothing (weights.bin dated back: an earlier test dated it ahead)
    const past = new Date(Date.now() - 60_000);
    await utimes(join(dir, "weights.bin"), past, past);
    const lines: string[] = [];
    const subset = await exportModel({
      modelDir: dir,
      precisions: ["fp32", "int8"],
      parityLimit: 64,
      tfjsBackend: "cpu",
      calibrationSize: 32,
      validationSize: 100,
      tuneMs: 200,
      tuneBatch: 8,
      onProgress: (l) => lines.push(l),
    });
    assert.deepEqual(lines, [`export: ${basename(dir)} is up to date (${join(dir, "export.json")}), reusing it`]);
    assert.equal(subset.createdAt, record.createdAt);
    assert.deepEqual(
      subset.precisions.map((p) => p.precision),
      ["fp32", "int8", "int8-all"],
    );
  });

  it("rejects unknown precisions and calibration methods by name", async () => {
    await assert.rejects(exportModel({ modelDir: dir, precisions: ["int4" as "fp32"] }), {
      message: 'Unknown precision "int4". Expected one of: fp32, int8, int8-all, int8-dynamic, fp16',
    });
    await assert.rejects(exportModel({ modelDir: dir, calibrationMethod: "kl" as "minmax" }), {
      message: 'Unknown calibration method "kl". Expected one of: minmax, percentile, entropy',
    });
  });
});
