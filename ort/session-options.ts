/**
 * The one builder of onnxruntime-node session options: the harness's settings (execution
 * providers, intra-/inter-op threads, whether the pool spins, graph optimization, profiling,
 * log level) in ORT's spelling. Every stage that opens a session (profile/, export/'s quantizer
 * and tuner, bench/) builds its options here, so ORT's keys, among them the no-spin session
 * config entry, are written once.
 */
import type * as ort from "onnxruntime-node";

/** onnxruntime-node's own session options (what its sessions are created with). */
export type OrtSessionOptions = ort.InferenceSession.SessionOptions;

/** What a session is opened with; an omitted setting is left to ORT (its key is not written). */
export interface OrtSessionSettings {
  /** Execution providers in ORT's order of preference, e.g. `["cpu"]` (`executionProviders`). */
  readonly executionProviders?: readonly ort.InferenceSession.ExecutionProviderConfig[];
  /** Threads of the intra-op pool, the calling thread included; 0 = ORT's default, one per physical core (`intraOpNumThreads`). */
  readonly intraOpThreads?: number;
  /** Threads of the inter-op pool; 0 = ORT's default, unused in the sequential execution mode (`interOpNumThreads`). */
  readonly interOpThreads?: number;
  /**
   * Whether the intra-op pool's threads spin after a run (`session.intra_op.allow_spinning`).
   * False wherever several sessions take turns in one process: a pool spinning after its
   * session's block steals the cores from the next session's pool (measured: FP32 LeNet at
   * batch 32 took 34 ms against 8 ms, and INT8/FP32 read 21×).
   */
  readonly spinning?: boolean;
  /** ORT's graph optimizations before the first run (`graphOptimizationLevel`). */
  readonly graphOptimization?: NonNullable<OrtSessionOptions["graphOptimizationLevel"]>;
  /** Where the optimized graph is written (`optimizedModelFilePath`), to see what ORT runs. */
  readonly optimizedModelFilePath?: string;
  /**
   * Turns ORT's profiler on (`enableProfiling`): the trace goes to `<prefix>_<date>.json`,
   * written when the session ends profiling (read it with `readOrtTrace`).
   */
  readonly profileFilePrefix?: string;
  /** Lowest severity ORT logs: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal (`logSeverityLevel`). */
  readonly logLevel?: NonNullable<OrtSessionOptions["logSeverityLevel"]>;
}

/** The session config entries (`extra`) of the pool's spinning: `allow_spinning` "1" or "0". */
export function spinningEntries(spinning: boolean): { session: { intra_op: { allow_spinning: "0" | "1" } } } {
  return { session: { intra_op: { allow_spinning: spinning ? "1" : "0" } } };
}

/**
 * The onnxruntime-node session options of `settings` over `base` (options a caller already
 * holds, e.g. an EP's own `{ executionProviders: ["cuda"] }`): each given setting's ORT key
 * replaces `base`'s; settings left undefined write no key.
 */
export function ortSessionOptions(settings: OrtSessionSettings, base: OrtSessionOptions = {}): OrtSessionOptions {
  const s = settings;
  return {
    ...base,
    ...(s.executionProviders !== undefined ? { executionProviders: s.executionProviders } : {}),
    ...(s.graphOptimization !== undefined ? { graphOptimizationLevel: s.graphOptimization } : {}),
    ...(s.intraOpThreads !== undefined ? { intraOpNumThreads: s.intraOpThreads } : {}),
    ...(s.interOpThreads !== undefined ? { interOpNumThreads: s.interOpThreads } : {}),
    ...(s.optimizedModelFilePath !== undefined ? { optimizedModelFilePath: s.optimizedModelFilePath } : {}),
    ...(s.profileFilePrefix !== undefined ? { enableProfiling: true, profileFilePrefix: s.profileFilePrefix } : {}),
    ...(s.logLevel !== undefined ? { logSeverityLevel: s.logLevel } : {}),
    ...(s.spinning !== undefined ? { extra: spinningEntries(s.spinning) } : {}),
  };
}
