/**
 * The intra-op thread count a row ran with, for `results.json`: what the session options
 * asked for (0 = ONNX Runtime's default, one thread per physical core) and, for the
 * default, the machine's logical CPU count beside it, since ORT does not report its pool size.
 */
import { cpus } from "node:os";
import type { InferenceSession } from "onnxruntime-node";

/** The thread facts of one row. */
export interface IntraOpThreads {
  /** `intraOpNumThreads` as requested; 0 = ORT's default. */
  readonly requested: number;
  /** Logical CPUs of the machine (ORT's default pool has one thread per physical core, at most this many). */
  readonly logicalCpus: number;
}

/** The thread facts of a session created with `options`. */
export function intraOpThreadsOf(options: InferenceSession.SessionOptions, logicalCpus = cpus().length): IntraOpThreads {
  const requested = options.intraOpNumThreads ?? 0;
  if (!Number.isInteger(requested) || requested < 0)
    throw new Error(`Invalid intraOpNumThreads ${requested}: expected a whole number ≥ 0 (0 = ONNX Runtime's default)`);
  return { requested, logicalCpus };
}

/** The name of a precision's one-thread variant in a paired child's records and in `threads` comparisons: `int8@1t`. */
export function oneThreadVariant(precision: string): string {
  return `${precision}@1t`;
}

/**
 * Whether a paired child on `ep` also times each precision at one intra-op thread (the
 * thread check): on the CPU EP, when enabled, on a machine with more than one logical CPU
 * (with one, ORT's default is one thread already).
 */
export function threadCheckApplies(ep: string, enabled: boolean, logicalCpus = cpus().length): boolean {
  return enabled && ep === "cpu" && logicalCpus > 1;
}
