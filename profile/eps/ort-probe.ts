/** Helpers the onnxruntime-node EP runners share: the ORT version and a one-node probe model. */
import * as ort from "onnxruntime-node";
import { openOrtSession } from "../../ort/index.ts";
import { encodeOnnx } from "../../formats/onnx/onnx-io.ts";

/** onnxruntime-node's version, e.g. `1.30.0`. */
export function ortVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common ?? "unknown";
}

/** Whether onnxruntime-node lists `name` as a backend, and whether its binary is bundled. */
export function ortBackend(name: string): { listed: boolean; bundled: boolean } {
  const found = ort.listSupportedBackends().find((b) => b.name === name);
  return { listed: found !== undefined, bundled: found?.bundled ?? false };
}

let probeBytes: Uint8Array | undefined;

/** A tiny `y = Relu(x)` model on `[1, 4]` float input, for start-up probes. */
export function probeModel(): Uint8Array {
  probeBytes ??= encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "probe",
      node: [{ opType: "Relu", input: ["x"], output: ["y"] }],
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } } }],
    },
  });
  return probeBytes;
}

/**
 * Creates a session on {@link probeModel} with `options`, runs it once and releases it.
 * Resolves to undefined on success, or the error that stopped it.
 */
export async function tryProbeSession(options: ort.InferenceSession.SessionOptions): Promise<Error | undefined> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await openOrtSession(probeModel(), options);
    await session.run({ x: new ort.Tensor("float32", new Float32Array([1, -1, 2, -2]), [1, 4]) });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  } finally {
    await session?.release();
  }
}
