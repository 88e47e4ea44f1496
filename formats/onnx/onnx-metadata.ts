/**
 * The seam between export/ and profile/: what an exported ONNX model says about itself in
 * its `metadata_props`, so the profiler needs nothing else to feed it real data.
 * Models from other exporters carry none of these keys; profile/ then generates inputs.
 */
import type { Precision } from "../enums.ts";
import type { onnx } from "./onnx-io.ts";

/** Metadata an exported model carries (all optional for foreign models). */
export interface HarnessMetadata {
  /** Zoo model name, e.g. `lenet`. */
  model: string;
  /** Dataset the model was trained on, e.g. `mnist`; profile/ loads its test split. */
  dataset: string;
  /** Layout of the image input: the exporter writes NCHW. */
  layout: "NCHW" | "NHWC";
  /** Input shape without the batch axis, in `layout` order, e.g. [1, 28, 28]. */
  inputShape: number[];
  /** Pixel preprocessing: value = raw (0..255) × scale + offset. */
  scale: number;
  /** Added after scaling, e.g. −1 for MobileNetV2's [-1, 1]; absent (older exports) = 0. */
  offset?: number;
  /** Class names, index = output position. */
  classNames: string[];
  /** Precision of this file. */
  precision: Precision;
}

const PREFIX = "harness.";

/** Encodes metadata as ONNX `metadata_props` entries (values JSON-encoded). */
export function toMetadataProps(meta: HarnessMetadata): onnx.IStringStringEntryProto[] {
  return Object.entries(meta).map(([key, value]) => ({ key: PREFIX + key, value: JSON.stringify(value) }));
}

/** Reads harness metadata from a model's `metadata_props`; undefined when absent (foreign models). */
export function fromMetadataProps(props: readonly onnx.IStringStringEntryProto[] | null | undefined): HarnessMetadata | undefined {
  const entries = (props ?? []).filter((p) => p.key?.startsWith(PREFIX));
  if (entries.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of entries) out[p.key!.slice(PREFIX.length)] = JSON.parse(p.value ?? "null");
  return out as unknown as HarnessMetadata;
}

/** Same as {@link fromMetadataProps}, from onnxruntime's `InferenceSession` metadata map (string values). */
export function fromCustomMetadata(map: Record<string, string> | undefined): HarnessMetadata | undefined {
  if (!map) return undefined;
  return fromMetadataProps(Object.entries(map).map(([key, value]) => ({ key, value })));
}
