/**
 * Reading and writing ONNX protobuf files with protobufjs. The message classes in
 * `onnx-pb.js` are generated from `onnx.proto` (Debian's libonnx-dev, ONNX 1.12) by
 * `npm run gen:onnx`; the same code writes our exports and reads anyone's models.
 */
import { readFile, writeFile } from "node:fs/promises";
import $protobuf from "protobufjs/minimal.js";
import { onnx } from "./generated/onnx-pb.js";

// int64 fields (dims, irVersion, int64 data) decode as plain numbers, not Long objects:
// every int64 in the models we handle fits in 2^53.
$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export { onnx };

/** Decodes ONNX bytes; `label` (usually the path) names the file in errors. */
export function decodeOnnx(bytes: Uint8Array, label: string): onnx.ModelProto {
  if (bytes.byteLength === 0) {
    throw new Error(`"${label}" is empty, not an ONNX model. Re-export it (npm run export) or give another file.`);
  }
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(
      `"${label}" is not a valid ONNX model (protobuf decoding failed: ${(e as Error).message}); ` +
        `the file is truncated or not ONNX. Re-export it (npm run export) or give another file.`,
    );
  }
  if (!model.graph || Number(model.irVersion ?? 0) <= 0) {
    throw new Error(
      `"${label}" is not a valid ONNX model (no graph or IR version); the file is truncated or not ONNX. ` +
        `Re-export it (npm run export) or give another file.`,
    );
  }
  return model;
}

/** Reads and decodes an ONNX file; errors name the path and the fix. */
export async function readOnnx(path: string): Promise<onnx.ModelProto> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`Cannot read ONNX file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  return decodeOnnx(bytes, path);
}

/** Encodes a model to bytes. */
export function encodeOnnx(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model as Record<string, unknown>)).finish();
}

/** Encodes and writes a model; returns its size in bytes. */
export async function writeOnnx(path: string, model: onnx.IModelProto): Promise<number> {
  const bytes = encodeOnnx(model);
  await writeFile(path, bytes);
  return bytes.byteLength;
}
