/** Messages between the profiler and its measuring child processes (Node IPC). */
import type { HarnessMetadata } from "../export/onnx-metadata.ts";
import type { EpProbe } from "./ep-runner.ts";
import type { MeasureSettings } from "./profile-options.ts";
import type { Latency, OpTime } from "./results-schema.ts";

/** Feeds of one batch size: each input's concrete shape and ONNX element type. */
export interface BatchFeeds {
  readonly batch: number;
  readonly inputs: readonly { name: string; shape: readonly number[]; elemType: number }[];
  /**
   * The model's pixel preprocessing (its metadata's scale and offset): float inputs are
   * generated as pixels u in [0, 1) mapped to u × 255 × scale + offset. Absent: [0, 1).
   */
  readonly pixels?: { readonly scale: number; readonly offset: number };
}

/** Probe one EP (the child runs with the EP's environment). */
export interface ProbeJob {
  readonly kind: "probe";
  readonly ep: string;
}

/** Measure one model × precision × EP at several batch sizes. */
export interface MeasureJob {
  readonly kind: "measure";
  readonly ep: string;
  readonly onnxPath: string;
  readonly batches: readonly BatchFeeds[];
  readonly measure: MeasureSettings;
  /** Accuracy evaluation, when the model carries a dataset. */
  readonly accuracy: {
    readonly metadata: HarnessMetadata;
    readonly dataDir: string | undefined;
    readonly limit: number | undefined;
    readonly batch: number;
    /** True when the model's batch axis is fixed (the last partial batch is skipped). */
    readonly fixedBatch: boolean;
    /** Where to write the top-1 predictions (one byte per image). */
    readonly predictionsFile: string;
  } | null;
  /** Folder for the ORT profiling trace of the per-op pass. */
  readonly traceDir: string;
}

/** A job sent to a child. */
export type ChildJob = ProbeJob | MeasureJob;

/** One measured batch size. */
export interface MeasuredBatch {
  readonly batch: number;
  readonly firstRunMs: number;
  readonly latency: Latency;
  /** `latencySketch` of the samples (statistics.ts), ms: lets the parent pool rounds. */
  readonly sketch: readonly number[];
  readonly peakRssMiB: number;
}

/** Messages a child sends back, in order. */
export type ChildMessage =
  | { readonly type: "probe"; readonly result: EpProbe }
  | { readonly type: "session"; readonly sessionCreateMs: number; readonly baselineRssMiB: number }
  | { readonly type: "cannot-start"; readonly reason: string; readonly fix: string }
  | { readonly type: "accuracy"; readonly top1: number; readonly count: number; readonly dataset: string }
  | { readonly type: "accuracy-error"; readonly message: string }
  | { readonly type: "batch"; readonly result: MeasuredBatch }
  | { readonly type: "batch-error"; readonly batch: number; readonly message: string }
  | {
      readonly type: "ops";
      readonly batch: number;
      readonly ops: OpTime[];
      readonly arena: { heldMiB: number | null; inUsePeakMiB: number | null } | null;
    }
  | { readonly type: "ops-error"; readonly message: string }
  | { readonly type: "done" };
