/**
 * The CPU topology behind ONNX Runtime's default intra-op thread count. `intraOpNumThreads: 0`
 * does not mean "all cores": ORT's pool gets one thread per physical core as its cpuinfo
 * library counts them, and half the logical CPUs when cpuinfo is unavailable (on the 2-core VM
 * of DESIGN.md that is one thread). Only the pool's size read back from the process is sure,
 * so the default is resolved from the read-back first and predicted from the topology else.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

/** What the machine says about its CPUs. */
export interface CpuTopology {
  /** Logical CPUs (hardware threads) the OS lists. */
  readonly logicalCpus: number;
  /** Distinct (package, core) pairs in `/sys/devices/system/cpu/cpu*\/topology`; null where unreadable. */
  readonly physicalCores: number | null;
}

/** ORT's default intra-op thread count and where that figure comes from. */
export interface OrtDefaultThreads {
  /** Threads of the pool, the calling thread included (ORT's `intraOpNumThreads` semantics). */
  readonly threads: number;
  /** `read back`: counted from the threads a default session created; `predicted`: from the topology alone. */
  readonly from: "read back" | "predicted";
}

/**
 * ORT's default intra-op thread count: `readBack` (the pool size a default session created,
 * see `ort-thread-readback.ts`) when known, else ORT's own rule predicted from the topology:
 * the physical cores, or half the logical CPUs (at least 1) where they are unknown.
 */
export function ortDefaultIntraOpThreads(topology: CpuTopology, readBack: number | null = null): OrtDefaultThreads {
  if (readBack !== null) {
    if (!Number.isInteger(readBack) || readBack < 1) throw new Error(`Invalid read-back pool size ${readBack}: expected a whole number ≥ 1`);
    return { threads: readBack, from: "read back" };
  }
  const cores = topology.physicalCores ?? Math.floor(topology.logicalCpus / 2);
  return { threads: Math.max(1, Math.min(cores, topology.logicalCpus)), from: "predicted" };
}

/** The intra-op threads a session uses: `requested` when > 0, else ORT's default. */
export function resolvedIntraOpThreads(requested: number, ortDefault: OrtDefaultThreads): number {
  if (!Number.isInteger(requested) || requested < 0)
    throw new Error(`Invalid intraOpNumThreads ${requested}: expected a whole number ≥ 0 (0 = ONNX Runtime's default)`);
  return requested > 0 ? requested : ortDefault.threads;
}

/** Physical cores counted from `/sys/devices/system/cpu/cpu<N>/topology/{physical_package_id,core_id}`: null where not readable. */
export function sysfsPhysicalCores(root = "/sys/devices/system/cpu"): number | null {
  try {
    const dirs = readdirSync(root).filter((d) => /^cpu\d+$/.test(d));
    const cores = new Set<string>();
    for (const d of dirs) {
      const read = (f: string) => readFileSync(`${root}/${d}/topology/${f}`, "utf8").trim();
      cores.add(`${read("physical_package_id")}:${read("core_id")}`);
    }
    return cores.size > 0 ? cores.size : null;
  } catch {
    return null;
  }
}

/** This machine's topology. */
export function readCpuTopology(): CpuTopology {
  return { logicalCpus: cpus().length, physicalCores: sysfsPhysicalCores() };
}
