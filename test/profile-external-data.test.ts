import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { writeOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { buildLenet } from "./fixtures/tiny-models.ts";
import { externalDataFiles, readModelFacts } from "../profile/model-facts.ts";

/** Moves every float initializer of `model` into one external file `location`; returns the model and the data bytes. */
function withExternalData(model: onnx.IModelProto, location: string): { model: onnx.IModelProto; data: Buffer } {
  const chunks: Buffer[] = [];
  let offset = 0;
  const initializer = (model.graph?.initializer ?? []).map((t) => {
    const values = Float32Array.from(t.floatData ?? []);
    const bytes = Buffer.from(values.buffer);
    chunks.push(bytes);
    const entry: onnx.ITensorProto = {
      ...t,
      floatData: [],
      dataLocation: 1,
      externalData: [
        { key: "location", value: location },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(bytes.length) },
      ],
    };
    offset += bytes.length;
    return entry;
  });
  return { model: { ...model, graph: { ...model.graph, initializer } }, data: Buffer.concat(chunks) };
}

test("a model with external data counts the .onnx file and its data file in sizeBytes, and ONNX Runtime loads it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "profile-external-"));
  try {
    const { model, data } = withExternalData(buildLenet(), "lenet.onnx.data");
    const path = join(dir, "lenet.onnx");
    await writeOnnx(path, model);
    await writeFile(join(dir, "lenet.onnx.data"), data);
    const facts = await readModelFacts(path);
    const onnxBytes = (await stat(path)).size;
    assert.deepEqual(externalDataFiles(model.graph ?? {}), ["lenet.onnx.data"]);
    assert.equal(facts.sizeBytes, onnxBytes + data.length);
    assert.ok(data.length > 20 * onnxBytes, `data ${data.length} B vs graph ${onnxBytes} B`);
    assert.equal(facts.params * 4, data.length);
    const session = await ort.InferenceSession.create(path);
    await session.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
