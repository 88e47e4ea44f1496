/** The LeNet ONNX file the latency benches measure, and the median they report. */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildLenet } from "./lenet-model.ts";
import { percentile } from "../measure/index.ts";

/** Median of `values` (ms in, ms out). */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/**
 * The trained `<out>/models/lenet-mnist/model.fp32.onnx` when it exists, else a hand-built
 * LeNet with random weights written into `scratch`; `source` says which.
 */
export async function lenetPath(out: string, scratch: string): Promise<{ path: string; source: string }> {
  const trained = join(out, "models", "lenet-mnist", "model.fp32.onnx");
  try {
    await access(trained);
    return { path: trained, source: trained };
  } catch {
    const path = join(scratch, "lenet.onnx");
    await writeOnnx(path, buildLenet());
    return { path, source: "hand-built LeNet-5 (bench/lenet-model.ts), random weights" };
  }
}
