/**
 * A lab: many run directories (one per machine, copied together or on a shared drive)
 * read as one. Each run is a "machine" column; rows are matched on model × precision × EP ×
 * batch, and a row is comparable with the reference machine's only when the model file and
 * the onnxruntime-node version match.
 */
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { readRunResults, RUN_FILES, type OkRow, type RunResults } from "../formats/run/results-schema.ts";

/** One machine of the lab: a run and the label its columns carry. */
export interface LabMachine {
  /** Column label: the hostname, with the run id when one host has several runs. */
  readonly label: string;
  readonly dir: string;
  readonly results: RunResults;
}

/** A loaded lab with its reference machine (ratios are to it). */
export interface LabData {
  readonly folder: string;
  readonly machines: readonly LabMachine[];
  readonly reference: LabMachine;
}

/** Run directories (folders holding `results.json`) under `folder`, at most `depth` levels down, sorted. */
export async function findRunDirs(folder: string, depth = 4): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((e: Error) => {
    throw new Error(`Cannot read lab folder "${folder}": ${e.message}`);
  });
  if (entries.some((e) => e.isFile() && e.name === RUN_FILES.results)) return [folder];
  if (depth === 0) return [];
  const found: string[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    found.push(...(await findRunDirs(join(folder, e.name), depth - 1)));
  }
  return found;
}

/**
 * Reads every run dir under `folder`. A machine's label is its hostname, with the run id
 * when one host has several runs (e.g. Slurm tasks on one node), or the folder when that repeats. `reference` picks the reference machine by label,
 * hostname or run id (default: the first machine by label).
 * @throws when the folder holds no run, or `reference` matches none (listing the valid ones)
 */
export async function loadLab(folder: string, reference?: string): Promise<LabData> {
  const dirs = await findRunDirs(folder);
  if (dirs.length === 0)
    throw new Error(
      `No run directory (a folder with ${RUN_FILES.results}) under "${folder}". Copy each machine's artifacts/runs/<run> there, or point --lab at the shared folder the Slurm job writes.`,
    );
  const runs = await Promise.all(dirs.map(async (dir) => ({ dir, results: await readRunResults(dir) })));
  // Labels: the hostname; with the run id when a host has several runs; with the folder when even that repeats.
  const count = (labels: string[]) => (l: string) => labels.filter((x) => x === l).length;
  const hosts = runs.map((r) => r.results.hardware.hostname);
  const withId = runs.map((r, i) => (count(hosts)(hosts[i]!) > 1 ? `${hosts[i]!} (${r.results.runId.replace(`-${hosts[i]!}`, "")})` : hosts[i]!));
  const machines = runs
    .map((r, i) => ({ ...r, label: count(withId)(withId[i]!) > 1 ? `${hosts[i]!} (${relative(folder, r.dir) || "."})` : withId[i]! }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const ref =
    reference === undefined
      ? machines[0]
      : machines.find((m) => m.label === reference || m.results.hardware.hostname === reference || m.results.runId === reference);
  if (!ref) throw new Error(`Unknown reference machine "${reference ?? ""}". Expected one of: ${machines.map((m) => m.label).join(", ")}`);
  return { folder, machines, reference: ref };
}

/** The ok row of `machine` for `key`, if any. */
export function labRow(machine: LabMachine, key: string): OkRow | undefined {
  return machine.results.rows.find((r): r is OkRow => r.state === "ok" && r.key === key);
}

/**
 * Why `row` on `machine` cannot be compared with the reference's row (undefined when it can):
 * a different model file (parameter count or size differ) or a different onnxruntime-node.
 */
export function notComparable(lab: LabData, machine: LabMachine, row: OkRow, refRow: OkRow | undefined): string | undefined {
  if (!refRow || machine === lab.reference) return undefined;
  const why: string[] = [];
  if (row.params !== refRow.params || row.sizeBytes !== refRow.sizeBytes) {
    why.push(`different model file (${row.params} params, ${row.sizeBytes} B vs ${refRow.params} params, ${refRow.sizeBytes} B)`);
  }
  const ort = (m: LabMachine) => m.results.hardware.versions.onnxruntimeNode ?? "unknown";
  if (ort(machine) !== ort(lab.reference)) why.push(`different onnxruntime-node (${ort(machine)} vs ${ort(lab.reference)})`);
  return why.length > 0 ? why.join("; ") : undefined;
}
