/**
 * Exports redo only what changed (pure planning, tested without tfjs): each precision's file is
 * reused when it exists, the weights are older than export.json and the options it depends on
 * are unchanged ({@link DEPENDS_ON}, policy as a table); the tuned `int8` also needs to have
 * been tuned on this machine, here or in its own `tuning/<machine id>/` folder. A subset of the
 * recorded precisions exports nothing; a new precision exports only itself.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { MODEL_FILES } from "../formats/model-dir.ts";
import {
  EXPORT_RECORD_FILE,
  MACHINE_TUNING_FILE,
  MachineTuningSchema,
  machineTuningDir,
  parseExportRecord,
  type ExportRecord,
  type MachineTuning,
  type PrecisionRecord,
} from "../formats/export-record.ts";
import type { Precision } from "../formats/options/export-options.ts";
import type { TuningRecord } from "../formats/tuning-record.ts";

type Options = ExportRecord["options"];
type OptionKey = Exclude<keyof Options, "precisions">;

const CALIBRATION: readonly OptionKey[] = ["calibrationMethod", "calibrationSize", "percentile", "activationType", "seed"];
const TUNING: readonly OptionKey[] = ["accuracyBudget", "tuneBatch", "tuneMs", "validationSize", "intraOpThreads"];

/** The export options each precision's file depends on (its accuracy and parity depend on `parityLimit`, the test images used). */
export const DEPENDS_ON: Readonly<Record<Precision | "int8 (tuned)", readonly OptionKey[]>> = {
  fp32: ["parityLimit"],
  "int8 (tuned)": ["parityLimit", "tune", ...CALIBRATION, ...TUNING],
  int8: ["parityLimit", "tune", ...CALIBRATION, "minConvInputChannels"],
  "int8-all": ["parityLimit", ...CALIBRATION],
  "int8-dynamic": ["parityLimit"],
  fp16: ["parityLimit"],
};

/** The options `precision` depends on under `options` (the tuned int8's when `tune`). */
export function dependencies(precision: Precision, options: Pick<Options, "tune">): readonly OptionKey[] {
  return DEPENDS_ON[precision === "int8" && options.tune ? "int8 (tuned)" : precision];
}

/** The first option `precision` depends on that differs between `was` and `now`, or undefined. */
export function changedOption(precision: Precision, was: Options, now: Options): OptionKey | undefined {
  return dependencies(precision, now).find((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
}

/** What {@link planExport} reads. */
export interface ExportState {
  /** The existing export.json, or why there is none to use (missing, older than weights.bin, unreadable). */
  readonly record: ExportRecord | { readonly problem: string };
  /** Whether a file (relative to the model directory) exists. */
  readonly present: (file: string) => boolean;
  /** This machine's id (machine-fingerprint.ts), for the tuned int8; undefined when not tuning. */
  readonly machineId?: string;
  /** This machine's `tuning/<id>/tuning.json`, when there is one. */
  readonly machineTuning?: MachineTuning;
}

/** What to export: the precision records kept, the precisions to make (each with why), and the tuning and calibration kept. */
export interface ExportPlan {
  readonly reuse: readonly PrecisionRecord[];
  readonly make: readonly { readonly precision: Precision; readonly reason: string }[];
  /** The tuning of a reused tuned int8 (this machine's); null otherwise. */
  readonly tuning: TuningRecord | null;
}

type Tuned = { precision: PrecisionRecord; tuning: TuningRecord } | { reason: string };

/** The tuned int8 recorded in export.json or in this machine's folder that can serve here, or why none can. */
function tunedInt8(state: ExportState, record: ExportRecord, options: Options): Tuned {
  const own = (p: PrecisionRecord | undefined, tuning: TuningRecord | null | undefined, was: Options): Tuned | undefined => {
    if (!p || !tuning) return undefined;
    if (tuning.machine?.id !== state.machineId) return undefined;
    const changed = changedOption("int8", was, options);
    if (changed) return { reason: `${changed} changed` };
    return state.present(p.file) ? { precision: p, tuning } : { reason: `${p.file} is missing` };
  };
  const recorded = own(
    record.precisions.find((p) => p.precision === "int8"),
    record.tuning,
    record.options,
  );
  if (recorded && !("reason" in recorded)) return recorded;
  const m = state.machineTuning;
  const stored = m ? own(m.precision, m.tuning, m.options) : undefined;
  if (stored) return stored;
  if (recorded) return recorded;
  const other = record.tuning?.machine;
  return {
    reason: `int8 was tuned on ${other ? `another machine (${other.cpuModel}, ${other.logicalCpus} CPUs [${other.id}])` : "an unnamed machine"}, not this one [${state.machineId ?? "?"}]`,
  };
}

/**
 * The plan of an export of `options.precisions` given what is on disk: everything when the
 * record cannot be used or FP32 must be remade (the others derive from it), else each
 * requested precision reused when its file and the options it depends on are unchanged.
 * Precisions recorded but not requested are kept as they are.
 */
export function planExport(state: ExportState, options: Options): ExportPlan {
  const wanted = [...new Set<Precision>(["fp32", ...options.precisions])];
  const record = state.record;
  if ("problem" in record) {
    const problem = record.problem;
    return { reuse: [], make: wanted.map((precision) => ({ precision, reason: problem })), tuning: null };
  }
  let tuning: TuningRecord | null = null;
  const why = (precision: Precision): string | PrecisionRecord => {
    const p = record.precisions.find((x) => x.precision === precision);
    if (precision === "int8" && options.tune) {
      const t = tunedInt8(state, record, options);
      if ("reason" in t) return p ? t.reason : "not exported yet";
      tuning = t.tuning;
      return t.precision;
    }
    if (!p) return "not exported yet";
    const changed = changedOption(precision, record.options, options);
    if (changed) return `${changed} changed`;
    return state.present(p.file) ? p : `${p.file} is missing`;
  };
  const fp32 = why("fp32");
  if (typeof fp32 === "string")
    return { reuse: [], make: wanted.map((precision) => ({ precision, reason: precision === "fp32" ? fp32 : `fp32 is remade (${fp32})` })), tuning: null };
  const reuse: PrecisionRecord[] = [];
  const make: { precision: Precision; reason: string }[] = [];
  for (const precision of wanted) {
    const r = why(precision);
    if (typeof r === "string") make.push({ precision, reason: r });
    else reuse.push(r);
  }
  // Recorded precisions not asked for this time stay as they are (their files are not touched).
  for (const p of record.precisions) if (!wanted.includes(p.precision)) reuse.push(p);
  const keptInt8 = !wanted.includes("int8") && reuse.some((p) => p.precision === "int8");
  return { reuse, make, tuning: keptInt8 ? record.tuning : tuning };
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The export.json of `dir` when usable (present, newer than weights.bin, valid), else why not. */
export async function usableExportRecord(dir: string): Promise<ExportRecord | { problem: string }> {
  const recordPath = join(dir, EXPORT_RECORD_FILE);
  const recordTime = await mtimeMs(recordPath);
  if (recordTime === undefined) return { problem: `no ${EXPORT_RECORD_FILE} yet` };
  const weightsTime = await mtimeMs(join(dir, MODEL_FILES.weights));
  if (weightsTime === undefined || weightsTime >= recordTime) return { problem: `${MODEL_FILES.weights} is newer than ${EXPORT_RECORD_FILE}` };
  try {
    return parseExportRecord(JSON.parse(await readFile(recordPath, "utf8")), recordPath);
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/** This machine's `tuning/<id>/tuning.json` in `dir`, when present and valid. */
export async function readMachineTuning(dir: string, machineId: string): Promise<MachineTuning | undefined> {
  try {
    const raw: unknown = JSON.parse(await readFile(join(dir, machineTuningDir(machineId), MACHINE_TUNING_FILE), "utf8"));
    const parsed = MachineTuningSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Which of `files` (relative to `dir`) exist. */
export async function presentFiles(dir: string, files: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of files) if ((await mtimeMs(join(dir, f))) !== undefined) out.add(f);
  return out;
}
