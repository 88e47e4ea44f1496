/**
 * The intra-op thread settings a row ran with, for `results.json`, and the thread ladder the
 * CPU EP's paired child times: what the session options asked for (0 = ONNX Runtime's
 * default), the pool size ORT used (read back, or predicted from the topology: never "0"),
 * the machine's logical CPUs, and the settings the paired window compared.
 */
import { cpus } from "node:os";
import type { InferenceSession } from "onnxruntime-node";
import type { OrtDefaultThreads } from "./cpu-topology.ts";
import { resolvedIntraOpThreads } from "./cpu-topology.ts";

/** The thread facts of one row. */
export interface IntraOpThreads {
  /** `intraOpNumThreads` as requested; 0 = ORT's default. */
  readonly requested: number;
  /** Logical CPUs of the machine. */
  readonly logicalCpus: number;
  /** Threads of the intra-op pool ORT used (calling thread included); absent where not resolved. */
  readonly used?: number;
  /** Where {@link used} comes from: `read back` (threads the session created), `requested`, or `predicted` (ORT's rule on the topology). */
  readonly usedFrom?: "read back" | "requested" | "predicted";
  /** `interOpNumThreads` as requested (0 = ORT's default; unused in ORT's default sequential execution mode). */
  readonly interOp?: number;
  /** ORT's execution mode: `sequential` (one node at a time, ORT's default) or `parallel`. */
  readonly executionMode?: "sequential" | "parallel";
}

/**
 * The thread facts of a session created with `options`. With `ortDefault` (the CPU EP) the
 * pool size is resolved: `readBack` when the session's threads were counted, else `requested`
 * when > 0, else ORT's default.
 */
export function intraOpThreadsOf(
  options: InferenceSession.SessionOptions,
  logicalCpus = cpus().length,
  ortDefault?: OrtDefaultThreads,
  readBack: number | null = null,
): IntraOpThreads {
  const requested = options.intraOpNumThreads ?? 0;
  if (!Number.isInteger(requested) || requested < 0)
    throw new Error(`Invalid intraOpNumThreads ${requested}: expected a whole number ≥ 0 (0 = ONNX Runtime's default)`);
  if (!ortDefault) return { requested, logicalCpus };
  const used =
    readBack !== null
      ? { used: readBack, usedFrom: "read back" as const }
      : requested > 0
        ? { used: requested, usedFrom: "requested" as const }
        : { used: resolvedIntraOpThreads(0, ortDefault), usedFrom: ortDefault.from };
  return { requested, logicalCpus, ...used, interOp: options.interOpNumThreads ?? 0, executionMode: options.executionMode ?? "sequential" };
}

/** The thread ladder of a paired child on the CPU EP. */
export interface ThreadLadder {
  /** 1, 2, 4, … below the logical CPUs, then the logical CPUs. */
  readonly rungs: readonly number[];
  /** ORT's default pool size. */
  readonly defaultThreads: number;
  /** The rung ORT's default equals (timed as the default itself, never twice), or null when it equals none. */
  readonly defaultRung: number | null;
  /** Rungs timed as variants of their own, beside each precision at ORT's default: every rung but {@link defaultRung}. */
  readonly timed: readonly number[];
}

/**
 * The ladder for a machine with `logicalCpus` whose ORT default pool has `defaultThreads`:
 * powers of two below the logical CPUs, and the logical CPUs; the rung equal to ORT's default
 * is not timed again (two identical settings are never compared). 2 CPUs, default 1: rungs
 * 1, 2, timed 2; 16 CPUs, default 16: rungs 1, 2, 4, 8, 16, timed 1, 2, 4, 8.
 */
export function threadLadder(logicalCpus: number, defaultThreads: number): ThreadLadder {
  for (const [what, n] of [
    ["logical CPU count", logicalCpus],
    ["ORT default thread count", defaultThreads],
  ] as const)
    if (!Number.isInteger(n) || n < 1) throw new Error(`Invalid ${what} ${n}: expected a whole number ≥ 1`);
  const rungs: number[] = [];
  for (let n = 1; n < logicalCpus; n *= 2) rungs.push(n);
  rungs.push(logicalCpus);
  const defaultRung = rungs.includes(defaultThreads) ? defaultThreads : null;
  return { rungs, defaultThreads, defaultRung, timed: rungs.filter((n) => n !== defaultRung) };
}

/**
 * Whether a paired child on `ep` also times each precision over the thread ladder (the thread
 * check): on the CPU EP, when enabled, on a machine with more than one logical CPU (with one,
 * every setting is one thread).
 */
export function threadCheckApplies(ep: string, enabled: boolean, logicalCpus = cpus().length): boolean {
  return enabled && ep === "cpu" && logicalCpus > 1;
}
