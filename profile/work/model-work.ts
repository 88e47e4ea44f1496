/**
 * A model's work for one `session.run` at a batch size: MACs, FLOPs (1 MAC = 2 FLOPs,
 * plus the other arithmetic), weight and activation bytes, arithmetic intensity, and the
 * share of the work per op family. Pure; the schema is what plan.json carries per job.
 */
import { z } from "zod";
import type { onnx } from "../../formats/onnx/onnx-io.ts";
import { countNodeWork, type NodeWork } from "./node-work.ts";
import { OP_FAMILIES } from "./op-costs.ts";
import type { Dims } from "./tensor-shapes.ts";

/** Work of one op family. */
export const FamilyWorkSchema = z.object({
  family: z.enum(OP_FAMILIES),
  nodes: z.number().int(),
  macs: z.number(),
  /** 2 × MACs + other ops. */
  flops: z.number(),
  /** Weight + activation bytes of its nodes. */
  bytes: z.number(),
  /** Fraction of the model's FLOPs, 0..1. */
  share: z.number(),
});

/** Work of one `session.run` of a model at `batch` (totals for the whole batch, not per image). */
export const ModelWorkSchema = z.object({
  batch: z.number().int().positive(),
  /** Multiply-accumulates, all of them. */
  macs: z.number(),
  /** The integer (int8/uint8) part of `macs`. */
  intMacs: z.number(),
  /** Other arithmetic: bias adds, activations, pooling, softmax, normalisation, (de)quantisation. */
  otherOps: z.number(),
  /** FLOPs (or integer ops) = 2 × macs + otherOps. */
  flops: z.number(),
  /** Bytes of the weights read (each constant tensor once; int8 weights at 1 byte). */
  weightBytes: z.number(),
  /** Bytes of activations read and written, summed over nodes (no reuse between nodes assumed). */
  activationBytes: z.number(),
  /** flops / (weightBytes + activationBytes), FLOP per byte. */
  intensity: z.number(),
  byFamily: z.array(FamilyWorkSchema),
  /** Why some work is missing: ops not modelled or shapes not inferred (empty when complete). */
  uncounted: z.array(z.string()),
});

/** Work of one batch call. */
export type ModelWork = z.infer<typeof ModelWorkSchema>;
/** Work of one op family. */
export type FamilyWork = z.infer<typeof FamilyWorkSchema>;

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
    batch, macs, intMacs, otherOps, flops, weightBytes, activationBytes,
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
  return summarizeWork(nodes, batch, [...unique.values()].reduce((a, b) => a + b, 0));
}
