/**
 * Reading and writing ONNX protobuf files with protobufjs. The message classes in
 * `generated/onnx-pb.js` are generated from `generated/onnx.proto` (Debian's libonnx-dev,
 * ONNX 1.12) by `npm run gen:onnx` (see generated/README.md); the same code writes our
 * exports and reads anyone's models. Decoded models come back in the normalised form of
 * onnx-model.ts.
 */
import { readFile, writeFile } from "node:fs/promises";
import { onnx } from "./generated/onnx-pb.js";
import { int64, isNormalized, isNormalizedGraph, numberReader, type OnnxGraph, type OnnxModel } from "./onnx-model.ts";

export { onnx };

/** Decodes ONNX bytes; `label` (usually the path) names the file in errors. */
export function decodeOnnx(bytes: Uint8Array, label: string): OnnxModel {
  if (bytes.byteLength === 0) {
    throw new Error(`"${label}" is empty, not an ONNX model. Re-export it (npm run export) or give another file.`);
  }
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(numberReader(bytes)) as unknown as OnnxModel;
  } catch (e) {
    throw new Error(
      `"${label}" is not a valid ONNX model (protobuf decoding failed: ${(e as Error).message}); ` +
        `the file is truncated or not ONNX. Re-export it (npm run export) or give another file.`,
    );
  }
  if (!model.graph || int64(model.irVersion) <= 0) {
    throw new Error(
      `"${label}" is not a valid ONNX model (no graph or IR version); the file is truncated or not ONNX. ` +
        `Re-export it (npm run export) or give another file.`,
    );
  }
  return model;
}

/** Reads and decodes an ONNX file; errors name the path and the fix. */
export async function readOnnx(path: string): Promise<OnnxModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`Cannot read ONNX file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  return decodeOnnx(bytes, path);
}

/** Encodes a model (plain object or normalised) to bytes. */
export function encodeOnnx(model: onnx.IModelProto | OnnxModel): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model as Record<string, unknown>)).finish();
}

/** Encodes and writes a model; returns its size in bytes. */
export async function writeOnnx(path: string, model: onnx.IModelProto | OnnxModel): Promise<number> {
  const bytes = encodeOnnx(model);
  await writeFile(path, bytes);
  return bytes.byteLength;
}

/**
 * `model` in normalised form: itself when it already is (decoded, or built with the
 * onnx-model.ts builders), otherwise a decoded copy (hand-built plain models, test fixtures).
 */
export function asOnnxModel(model: onnx.IModelProto | OnnxModel): OnnxModel {
  return isNormalized(model) ? model : decodeOnnx(encodeOnnx(model), "model");
}

/** `graph` in normalised form: itself when it already is, otherwise a decoded copy. */
export function asOnnxGraph(graph: onnx.IGraphProto | OnnxGraph): OnnxGraph {
  if (isNormalizedGraph(graph)) return graph;
  const bytes = onnx.GraphProto.encode(onnx.GraphProto.fromObject(graph as Record<string, unknown>)).finish();
  return onnx.GraphProto.decode(numberReader(bytes)) as unknown as OnnxGraph;
}
