/**
 * Messages between the profiler and its measuring child processes (Node IPC). A model on
 * one EP takes two kinds of child:
 * - a **facts** child per precision, alone in its process (round 1 only): session
 *   creation, each batch's cold first run and peak resident memory, accuracy, per-op profile;
 * - a **paired** child per round holding every precision at once: their latency, timed in
 *   interleaved blocks (`measure/interleave.ts`) so their ratios share one time window.
 */
import type { HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import type { BlockMedian, Latency } from "../measure/index.ts";
import type { EpProbe } from "./ep-runner.ts";
import type { MeasureSettings } from "../formats/options/profile-options.ts";
import type { RowEnergy } from "./energy/index.ts";
import type { OpTime, RowThreads } from "../formats/run/results-schema.ts";
import type { LadderPlan, LadderStep, LadderStop } from "./ceilings/ceiling-ladder.ts";
import type { OrtDefaultThreads } from "./cpu-topology.ts";
import type { LoadScenario, ScenarioBatchResult, ScenarioSettings } from "../formats/run/scenario-schema.ts";

/** Feeds of one batch size: each input's concrete shape and ONNX element type. */
export interface BatchFeeds {
  readonly batch: number;
  /** `values`: the exact contents of a small int64 input (a device-resident copy's shape input); absent: generated. */
  readonly inputs: readonly { name: string; shape: readonly number[]; elemType: number; values?: readonly number[] }[];
  /**
   * The model's pixel preprocessing (its metadata's scale and offset): float inputs are
   * generated as pixels u in [0, 1) mapped to u × 255 × scale + offset. Absent: [0, 1).
   */
  readonly pixels?: { readonly scale: number; readonly offset: number };
}

/** What every job names: the EP (the child's built-in runner of that name, or the one `HARNESS_EP_MODULE` names). */
interface EpJob {
  readonly ep: string;
}

/** Probe one EP (the child runs with the EP's environment). */
export interface ProbeJob extends EpJob {
  readonly kind: "probe";
}

/** Isolated facts of one model file on one EP at several batch sizes. */
export interface FactsJob extends EpJob {
  readonly kind: "facts";
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

/** One variant (precision) of a paired job. */
export interface PairedVariant {
  /** Precision name, e.g. `int8`: the variant's name in block records. */
  readonly name: string;
  readonly onnxPath: string;
  /** Feeds per batch size, in the order of {@link PairedJob.batches}. */
  readonly feeds: readonly BatchFeeds[];
  /** Intra-op threads of this variant's session (the thread check's `<precision>@1t`); absent: the runner's setting. */
  readonly intraOpThreads?: number;
}

/** Latency of every variant of one model on one EP, interleaved, at each batch size. */
export interface PairedJob extends EpJob {
  readonly kind: "paired";
  readonly variants: readonly PairedVariant[];
  readonly batches: readonly number[];
  /** This round's share of the measurement settings (`measureForRound`). */
  readonly measure: MeasureSettings;
  /** Seed of the block order (varies per round). */
  readonly seed: number;
  /** CPU EP: ORT's default intra-op pool as the probe found it (cpu-topology.ts), so the child need not read it back again; absent: the child reads it. */
  readonly ortDefault?: OrtDefaultThreads;
}

/** One ceiling kind climbed up its size ladder (profile/ceilings/ceiling-ladder.ts) in one child. */
export interface CeilingJob extends EpJob {
  readonly kind: "ceiling";
  readonly plan: LadderPlan;
  /** Intra-op threads of the ceiling sessions (the CPU EP: every logical CPU); absent: the runner's setting. */
  readonly intraOpThreads?: number;
}

/** Load scenarios (MLPerf's Offline and Server) of every variant of one model on one EP (`scenario-child.ts`). */
export interface ScenarioJob extends EpJob {
  readonly kind: "scenario";
  readonly scenario: LoadScenario;
  readonly variants: readonly PairedVariant[];
  readonly batches: readonly number[];
  readonly settings: ScenarioSettings;
  /** Seed of the block order and of the Poisson arrivals. */
  readonly seed: number;
}

/** A job sent to a child. */
export type ChildJob = ProbeJob | FactsJob | PairedJob | CeilingJob | ScenarioJob;

/** One variant's latency at one batch, from a paired child. */
export interface VariantLatency {
  readonly name: string;
  readonly latency: Latency;
  /** `latencySketch` of the samples, ms: lets the parent pool rounds. */
  readonly sketch: readonly number[];
  readonly sessionCreateMs: number;
  /** Energy of this variant's blocks (energy/), or why the counters are unreadable; absent from children that do not meter. */
  readonly energy?: RowEnergy;
  /** The intra-op threads the session was created with (0 = ORT's default: one per physical core) and whether they spin. */
  readonly threads?: RowThreads;
}

/** Messages a child sends back, in order. */
export type ChildMessage =
  | { readonly type: "probe"; readonly result: EpProbe }
  | { readonly type: "cannot-start"; readonly reason: string; readonly fix: string }
  // facts child
  | { readonly type: "session"; readonly sessionCreateMs: number; readonly baselineRssMiB: number }
  | {
      readonly type: "batch-facts";
      readonly batch: number;
      readonly firstRunMs: number;
      readonly peakRssMiB: number;
      /** GPU memory after the batch's first runs, where nvidia-smi tells it. */
      readonly gpuMemory?: { readonly mib: number; readonly source: "process" | "device-delta" };
    }
  | { readonly type: "accuracy"; readonly top1: number; readonly count: number; readonly dataset: string }
  | { readonly type: "accuracy-error"; readonly message: string }
  | {
      readonly type: "ops";
      readonly batch: number;
      readonly ops: OpTime[];
      readonly arena: { heldMiB: number | null; inUsePeakMiB: number | null } | null;
    }
  | { readonly type: "ops-error"; readonly message: string }
  // paired child
  | { readonly type: "variant-error"; readonly variant: string; readonly message: string }
  | {
      readonly type: "paired-batch";
      readonly batch: number;
      readonly variants: readonly VariantLatency[];
      readonly blocks: readonly BlockMedian[];
      readonly cycles: number;
    }
  // ceiling child
  | { readonly type: "ceiling-step"; readonly step: LadderStep; readonly description: string }
  | { readonly type: "ceiling-stop"; readonly stop: LadderStop; readonly message?: string }
  // scenario child
  | { readonly type: "scenario-batch"; readonly batch: number; readonly result: ScenarioBatchResult }
  // either
  | { readonly type: "batch-error"; readonly batch: number; readonly message: string }
  | { readonly type: "done" };
