/**
 * The work of one `session.run` of a model at a batch size, as `plan.json` carries it per
 * job (profile/work/ computes it from the ONNX graph; reports/ reads it): MACs, FLOPs,
 * weight and activation bytes, arithmetic intensity, and the share per op family.
 */
import { z } from "zod";

/** Op families used to put per-op work beside ORT's per-op time (ORT renames fused ops). */
export const OP_FAMILIES = ["conv", "matmul", "pooling", "elementwise", "normalization", "softmax", "quantize", "data movement", "other"] as const;
/** One op family. */
export type OpFamily = (typeof OP_FAMILIES)[number];

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
