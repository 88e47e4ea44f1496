/** Counting the op types of the graph ONNX Runtime actually runs, after its optimizations. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openOrtSession, ortSessionOptions } from "../../ort/index.ts";
import { readOnnx } from "../../formats/onnx/onnx-io.ts";

/**
 * Op-type histogram (op type → node count) of the graph ORT's CPU EP runs: the session is
 * created with graphOptimizationLevel "all" and `optimizedModelFilePath` pointing to a temp
 * file, whose nodes are then counted. Shows whether QDQ pairs fused (QLinearConv, QGemm…).
 */
export async function optimizedOpHistogram(onnxPath: string): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), "ort-optimized-"));
  const dumped = join(dir, "optimized.onnx");
  try {
    const session = await openOrtSession(
      onnxPath,
      ortSessionOptions({ executionProviders: ["cpu"], graphOptimization: "all", optimizedModelFilePath: dumped, logLevel: 3 }),
    );
    await session.release();
    const model = await readOnnx(dumped);
    const hist: Record<string, number> = {};
    for (const node of model.graph.node) {
      const op = node.opType;
      hist[op] = (hist[op] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(hist).sort(([a], [b]) => a.localeCompare(b)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
