/**
 * The seam between export/ and profile/: what an exported ONNX model says about itself in
 * its `metadata_props`, so the profiler needs nothing else to feed it real data.
 * Models from other exporters carry none of these keys; profile/ then generates inputs.
 */
import { z } from "zod";
import { PRECISIONS } from "../enums.ts";
import type { onnx } from "./onnx-io.ts";

/** Zod schema of the metadata an exported model carries (all absent for foreign models). */
export const HarnessMetadataSchema = z.object({
  /** Zoo model name, e.g. `lenet`. */
  model: z.string(),
  /** Dataset the model was trained on, e.g. `mnist`; profile/ loads its test split. */
  dataset: z.string(),
  /** Layout of the image input: the exporter writes NCHW. */
  layout: z.enum(["NCHW", "NHWC"]),
  /** Input shape without the batch axis, in `layout` order, e.g. [1, 28, 28]. */
  inputShape: z.array(z.number().int().positive()),
  /** Pixel preprocessing: value = raw (0..255) × scale + offset. */
  scale: z.number(),
  /** Added after scaling, e.g. −1 for MobileNetV2's [-1, 1]; absent (older exports) = 0. */
  offset: z.number().optional(),
  /** Class names, index = output position. */
  classNames: z.array(z.string()),
  /** Precision of this file. */
  precision: z.enum(PRECISIONS),
  /**
   * Seed the model was trained with, which the seeded dataset readers take: a folder's
   * test split and the synthetic images depend on it, so profile/ and reports/ read the test
   * split the model never trained on. Absent (older exports): the readers' default, 1.
   */
  datasetSeed: z.number().int().optional(),
});

/** Metadata an exported model carries. */
export type HarnessMetadata = z.infer<typeof HarnessMetadataSchema>;

const PREFIX = "harness.";

/** Encodes metadata as ONNX `metadata_props` entries (values JSON-encoded). */
export function toMetadataProps(meta: HarnessMetadata): onnx.IStringStringEntryProto[] {
  return Object.entries(meta).map(([key, value]) => ({ key: PREFIX + key, value: JSON.stringify(value) }));
}

/**
 * Reads harness metadata from a model's `metadata_props`; undefined when absent (foreign models).
 * `label` (the file) goes into the error.
 * @throws {Error} `Invalid harness metadata in "m.onnx": harness.inputShape: Invalid input: expected array, received string`
 */
export function fromMetadataProps(props: readonly onnx.IStringStringEntryProto[] | null | undefined, label = "metadata_props"): HarnessMetadata | undefined {
  const entries = (props ?? []).filter((p) => p.key?.startsWith(PREFIX));
  if (entries.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of entries) {
    try {
      out[p.key!.slice(PREFIX.length)] = JSON.parse(p.value ?? "null");
    } catch (e) {
      throw new Error(`Invalid harness metadata in "${label}": ${p.key}: not JSON (${(e as Error).message})`);
    }
  }
  const parsed = HarnessMetadataSchema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid harness metadata in "${label}": ${PREFIX}${issue?.path.join(".") ?? ""}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Same as {@link fromMetadataProps}, from onnxruntime's `InferenceSession` metadata map (string values). */
export function fromCustomMetadata(map: Record<string, string> | undefined, label?: string): HarnessMetadata | undefined {
  if (!map) return undefined;
  return fromMetadataProps(
    Object.entries(map).map(([key, value]) => ({ key, value })),
    label,
  );
}
