/**
 * #23 case 7: a model exported again says why (which options changed), an export that
 * already holds every requested precision is reused, and export.json keeps the earlier
 * precisions this export did not redo.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { exportModel, readExportRecord } from "../export/index.ts";
import { optionChanges } from "../export/reexport.ts";
import { saveTfjsModel, writeTrainRecord, TRAIN_RECORD_VERSION, type TrainRecord } from "../formats/model-dir.ts";

const CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** A valid train.json for a synthetic-dataset model. */
function trainRecord(): TrainRecord {
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

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "reexport-"));
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })],
  });
  await saveTfjsModel(model, dir);
  await writeTrainRecord(dir, trainRecord());
});
after(() => rm(dir, { recursive: true, force: true }));

const base = { parityLimit: 32, tfjsBackend: "cpu" as const };

test("exporting again names the changed options; earlier precisions stay in export.json; a superset is reused", async () => {
  await exportModel({ ...base, modelDir: dir, precisions: ["fp32", "fp16"] });
  const lines: string[] = [];
  const second = await exportModel({ ...base, modelDir: dir, precisions: ["fp32", "int8-dynamic"], onProgress: (l) => lines.push(l) });
  assert.equal(
    lines[0],
    `export: ${dir.split("/").at(-1)}: exporting again: the export options changed (precisions: ["fp32","fp16"] → ["fp32","int8-dynamic"])`,
  );
  assert.deepEqual(
    second.precisions.map((p) => p.precision),
    ["fp32", "int8-dynamic", "fp16"],
  );
  assert.deepEqual(
    (await readExportRecord(dir)).precisions.map((p) => p.precision),
    ["fp32", "int8-dynamic", "fp16"],
  );

  const reuse: string[] = [];
  const third = await exportModel({ ...base, modelDir: dir, precisions: ["fp32"], onProgress: (l) => reuse.push(l) });
  assert.equal(third.createdAt, second.createdAt);
  assert.equal(reuse.length, 1);
  assert.match(reuse[0]!, / is up to date for fp32 \(.*export\.json has fp32, int8-dynamic, fp16\), reusing it$/);
});

test("optionChanges lists each changed option with both values", () => {
  const a = { precisions: ["fp32"], parityLimit: 64 } as unknown as Parameters<typeof optionChanges>[0];
  const b = { precisions: ["fp32"], parityLimit: 32 } as unknown as Parameters<typeof optionChanges>[0];
  assert.deepEqual(optionChanges(a, b), ["parityLimit: 64 → 32"]);
});
