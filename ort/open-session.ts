/** Where the harness's onnxruntime-node sessions are created: one call of `InferenceSession.create`. */
import * as ort from "onnxruntime-node";
import type { OrtSessionOptions } from "./session-options.ts";

/**
 * Creates an onnxruntime-node session on an ONNX file's path or its bytes with `options`
 * (build them with `ortSessionOptions`). Release it with `session.release()`, in `finally`.
 */
export function openOrtSession(model: string | Uint8Array, options: OrtSessionOptions): Promise<ort.InferenceSession> {
  // Two calls for ORT's two overloads (a path, a buffer): neither takes the union.
  return typeof model === "string" ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}
