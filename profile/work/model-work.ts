/**
 * A model's work for one `session.run` at a batch size: MACs, FLOPs (1 MAC = 2 FLOPs,
 * plus the other arithmetic), weight and activation bytes, arithmetic intensity, and the
 * share of the work per op family. Pure; the schema (what plan.json carries per job) is
 * formats/run/model-work-schema.ts.
 */
import type { onnx } from "../../formats/onnx/onnx-io.ts";
import { FamilyWorkSchema, ModelWorkSchema, OP_FAMILIES, type FamilyWork, type ModelWork } from "../../formats/run/model-work-schema.ts";
import { countNodeWork, type NodeWork } from "./node-work.ts";
import type { Dims } from "./tensor-shapes.ts";

export { FamilyWorkSchema, ModelWorkSchema, type FamilyWork, type ModelWork };

/** Sums node counts into a {@link ModelWork}; `weightBytes` is the model's (unique) weight bytes. */
export function summarizeWork(nodes: readonly NodeWork[], batch: number, weightBytes: number): ModelWork {
  let macs = 0;
  let intMacs = 0;
  let otherOps = 0;
  let activationBytes = 0;
  const families = new Map<string, { nodes: number; macs: number; flops: number; bytes: number }>();
  const uncounted: string[] = [];
  for (const n of nodes) {
    macs += n.macs;
    if (n.integer) intMacs += n.macs;
    otherOps += n.otherOps;
    activationBytes += n.inputBytes + n.outputBytes;
    const f = families.get(n.family) ?? { nodes: 0, macs: 0, flops: 0, bytes: 0 };
    f.nodes += 1;
    f.macs += n.macs;
    f.flops += 2 * n.macs + n.otherOps;
    f.bytes += n.weightBytes + n.inputBytes + n.outputBytes;
    families.set(n.family, f);
    if (n.uncounted && !uncounted.includes(n.uncounted)) uncounted.push(n.uncounted);
  }
  const flops = 2 * macs + otherOps;
  const bytes = weightBytes + activationBytes;
  return {
    batch,
    macs,
    intMacs,
    otherOps,
    flops,
    weightBytes,
    activationBytes,
    intensity: bytes > 0 ? flops / bytes : 0,
    byFamily: OP_FAMILIES.filter((f) => families.has(f)).map((family) => {
      const f = families.get(family)!;
      return { family, ...f, share: flops > 0 ? f.flops / flops : 0 };
    }),
    uncounted,
  };
}

/**
 * The work of one `session.run` of `model` with its inputs at `inputShapes` (batch
 * included; `batch` labels the result and turns totals into per-image figures).
 */
export function modelWork(model: onnx.IModelProto, inputShapes: Readonly<Record<string, Dims>>, batch: number): ModelWork {
  const { nodes } = countNodeWork(model, inputShapes);
  // a constant read by several nodes (shared weights) counts once
  const unique = new Map<string, number>();
  for (const n of nodes) for (const [name, bytes] of n.weights) unique.set(name, bytes);
  return summarizeWork(
    nodes,
    batch,
    [...unique.values()].reduce((a, b) => a + b, 0),
  );
}
