/**
 * The measuring child's seam to an execution provider: open a model, feed it, time runs,
 * predict, dispose. In the spirit of onnxruntime's js/common `backend.ts`: one small
 * contract, implemented once for onnxruntime-node (`node-session.ts`) and once for the
 * browser page (`browser/browser-ep-session.ts`). The facts pass and the paired pass
 * (`facts-pass.ts`, `paired-pass.ts`) are written once over it.
 */
import type { HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import type { ImageSet } from "../formats/dataset.ts";
import type { ImageShape } from "../formats/model-input.ts";
import type { RowThreads } from "../formats/run/results-schema.ts";
import type { BatchFeeds } from "./child-protocol.ts";
import type { OrtDefaultThreads } from "./cpu-topology.ts";
import type { OpProfile } from "./op-profile.ts";

/** How a measuring pass wants a session made. */
export interface SessionSettings {
  /**
   * True for sessions whose latency is timed (the paired pass): no spinning threads
   * (`spinning: false`), and the intra-op threads recorded on the session. False:
   * the EP's own options (the facts pass measures what a user's first session costs).
   */
  readonly timed: boolean;
  /** Intra-op threads (0 = ONNX Runtime's default); absent: the EP's own setting. */
  readonly intraOpThreads?: number;
}

/** One model opened on an EP, ready to be fed and timed. */
export interface EpSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Wall time of creating the session, ms (in the page for the browser EPs). */
  readonly createMs: number;
  /** The intra-op threads a timed session runs with (onnxruntime-node EPs); absent where the EP has no such setting. */
  readonly threads?: RowThreads;
  /** Makes `feeds` the inputs of the following runs (the previous batch's are dropped). */
  feed(feeds: BatchFeeds): Promise<void>;
  /** One run on the current feeds, timed, ms. */
  run(): Promise<number>;
  /** `n` runs back to back on the current feeds, each timed, ms. */
  runBlock(n: number): Promise<number[]>;
  /** Top-1 class of each test image, in order, over a prefix of the set evaluated within the budget. */
  predict(request: PredictRequest): Promise<Uint8Array>;
  /** Releases the session; never throws. */
  dispose(): Promise<void>;
}

/** What {@link EpSession.predict} evaluates. */
export interface PredictRequest {
  readonly set: ImageSet;
  readonly metadata: HarnessMetadata;
  /** Shape of the set's images, NHWC (resized to the model's input). */
  readonly sourceShape: ImageShape;
  /** Images per run. */
  readonly batch: number;
  /** Wall-time budget, ms: a prefix of the set is evaluated when it runs out. */
  readonly budgetMs: number;
  /** True when the model's batch axis is fixed (the last partial batch is skipped). */
  readonly fixedBatch: boolean;
}

/** What a measuring child opens its EP with. */
export interface HostRequest {
  /** Every model file the job will open, in order (the browser page serves them). */
  readonly models: readonly string[];
  /** The CPU EP: ORT's default intra-op pool as the probe found it; absent: read back when needed. */
  readonly ortDefault?: OrtDefaultThreads;
}

/** One measuring child's hold on its EP: opens sessions, and what they share (the process, the browser). */
export interface EpSessionHost {
  /** Opens `path`; rejects with {@link EpCannotStart} when the EP cannot start here. */
  open(path: string, settings: SessionSettings): Promise<EpSession>;
  /** Peak resident memory of what runs the sessions (this child; the child and its browser), MiB. */
  peakRssMiB(): number;
  /** Whether the sessions' memory lives on a GPU that nvidia-smi may report. */
  readonly onGpu: boolean;
  /**
   * ONNX Runtime's per-operator profile of `path` over up to `iterations` runs of `feeds`
   * within `budgetMs` (its trace written under `traceDir`, then removed); absent where
   * the EP gives none (the browser).
   */
  profileOps?(path: string, feeds: BatchFeeds, o: { iterations: number; budgetMs: number; traceDir: string }): Promise<OpProfile>;
  /** Releases what the host holds; never throws. */
  close(): Promise<void>;
}

/** Thrown by {@link EpSessionHost.open} (or when opening a host) when the EP cannot start here: the row becomes `skipped` with this reason and fix. */
export class EpCannotStart extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(reason);
    this.name = "EpCannotStart";
  }
}
