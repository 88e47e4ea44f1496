/**
 * The machine an INT8 tuning is valid for: CPU model, cores, ISA flags, ORT version, EP and
 * intra-op threads, hashed into a short id. The tuned file and its record live in
 * `tuning/<id>/` beside the model, so one shared `artifacts/` (NFS, a copied folder) keeps
 * every machine's tuning and each machine uses its own.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import * as ort from "onnxruntime-node";
import { machineLabel, type TunedMachine } from "../../formats/tuning-record.ts";

export { machineLabel };
import { INTERESTING_FLAGS, ortDefaultIntraOpThreads, readBackOrtDefaultThreads, readCpuTopology, threadLadder } from "../../profile/index.ts";

/** A machine's facts and their id: the first 12 hex digits of the SHA-256 of the facts as sorted JSON. */
export function machineFingerprint(facts: Omit<TunedMachine, "id">): TunedMachine {
  const canonical = { ...facts, flags: [...facts.flags].sort() };
  const keys = Object.keys(canonical).sort() as (keyof typeof canonical)[];
  const id = createHash("sha256")
    .update(JSON.stringify(keys.map((k) => [k, canonical[k]])))
    .digest("hex")
    .slice(0, 12);
  return { id, ...canonical };
}

/** The ISA flags of {@link INTERESTING_FLAGS} in `/proc/cpuinfo`'s text (empty where unreadable). */
export function cpuinfoFlags(text: string): string[] {
  const line = /^(?:flags|Features)\s*:(.*)$/m.exec(text)?.[1] ?? "";
  const have = new Set(line.trim().split(/\s+/));
  return INTERESTING_FLAGS.filter((f) => have.has(f));
}

/** This machine, for a tuning on `ep` at `intraOpThreads` (0 = ORT's default, resolved to its pool size). */
export async function thisMachine(ep: string, intraOpThreads: number): Promise<TunedMachine> {
  const topology = readCpuTopology();
  let text = "";
  try {
    text = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // not Linux: no flags
  }
  const threads = intraOpThreads > 0 ? intraOpThreads : ortDefaultIntraOpThreads(topology, await readBackOrtDefaultThreads()).threads;
  return machineFingerprint({
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    logicalCpus: topology.logicalCpus,
    physicalCores: topology.physicalCores,
    flags: cpuinfoFlags(text),
    ortVersion: ort.env.versions.node ?? ort.env.versions.common ?? "unknown",
    ep,
    threads,
  });
}

/**
 * The intra-op settings the tuner searches on `machine` (0 = ORT's default): with
 * `--intra-op-threads 0`, ORT's default and every other rung of the thread ladder (on this
 * 2-CPU VM: 0 and 2); with an explicit count, that count alone.
 */
export function tunerThreadSearch(intraOpThreads: number, machine: Pick<TunedMachine, "logicalCpus" | "threads">): number[] {
  if (intraOpThreads > 0) return [intraOpThreads];
  return [0, ...threadLadder(machine.logicalCpus, machine.threads).timed];
}
