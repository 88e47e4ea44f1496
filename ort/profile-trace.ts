/**
 * The one reader of ONNX Runtime's profiling trace: the Chrome-trace JSON array a session
 * writes with `enableProfiling` when it ends profiling. Per node and run ORT records
 * `<node>_fence_before`, `<node>_kernel_time` and `<node>_fence_after` events (category
 * `Node`), and per run a `model_run` event (category `Session`); times are µs. The file is
 * read and parsed here; what a caller adds up (per op type, per node) stays with the caller.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** One event of the trace, the fields the harness reads (ORT writes `ph`, `pid`, `tid` too). */
export interface OrtTraceEvent {
  /** `Node` (per-node events) or `Session` (`model_run`, session initialisation). */
  readonly cat?: string;
  /** E.g. `conv1/Conv_kernel_time`, `model_run`. */
  readonly name?: string;
  /** Start, µs since the profiler started. */
  readonly ts?: number;
  /** Duration, µs. */
  readonly dur?: number;
  /** ORT's details: `op_name`, `provider`, the arena's `mem_arena_held`… (numbers written as strings). */
  readonly args?: Readonly<Record<string, unknown>>;
}

/** One `<node>_kernel_time` event: the time one node's kernel took in one run. */
export interface KernelEvent {
  /** The event's category (`Node` in ORT's traces). */
  readonly cat: string | undefined;
  /** The node as ORT profiled it: the event's name less `_kernel_time`, e.g. `conv1/Conv_token_5`, `fused conv1/Conv`. */
  readonly node: string;
  /** The op type (`args.op_name`), e.g. `Conv`; undefined when the event names none. */
  readonly opType: string | undefined;
  /** ORT's provider name (`args.provider`), e.g. `CPUExecutionProvider`; undefined when the event names none. */
  readonly provider: string | undefined;
  /** Start, µs since the profiler started (0 when the event has no `ts`). */
  readonly startUs: number;
  /** Kernel time, µs (0 when the event has no `dur`). */
  readonly durUs: number;
  /** The CPU arena's bytes held after the kernel (`args.mem_arena_held`), undefined when absent or not a number. */
  readonly arenaHeldBytes: number | undefined;
  /** The arena's peak bytes in use (`args.mem_in_use_peak`), undefined when absent or not a number. */
  readonly inUsePeakBytes: number | undefined;
}

const KERNEL_SUFFIX = "_kernel_time";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The type of `v` as an error names it: `null`, `array`, `string`… */
function kindOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Why `e` (event `i`) is not a trace event, or undefined when it is. */
function eventProblem(e: unknown, i: number): string | undefined {
  if (!isRecord(e)) return `event ${i} is ${kindOf(e)}, expected an object`;
  const fields: [string, string][] = [
    ["cat", "string"],
    ["name", "string"],
    ["ts", "number"],
    ["dur", "number"],
  ];
  for (const [key, type] of fields)
    if (e[key] !== undefined && typeof e[key] !== type) return `event ${i}: "${key}" is ${JSON.stringify(e[key])}, expected a ${type}`;
  if (e.args === undefined) return undefined;
  if (!isRecord(e.args)) return `event ${i}: "args" is ${kindOf(e.args)}, expected an object`;
  for (const key of ["op_name", "provider"])
    if (e.args[key] !== undefined && typeof e.args[key] !== "string") return `event ${i}: "args.${key}" is ${JSON.stringify(e.args[key])}, expected a string`;
  return undefined;
}

/**
 * Checks a parsed trace: an array of event objects whose `cat`/`name` are strings, `ts`/`dur`
 * numbers (µs) and `args.op_name`/`args.provider` strings where present. `source` (the file)
 * names the trace in the error.
 */
export function ortTraceEvents(json: unknown, source: string): OrtTraceEvent[] {
  const bad = (why: string) => new Error(`Invalid ORT profiling trace "${source}": ${why}`);
  if (!Array.isArray(json)) throw bad(`expected a JSON array of events, got ${kindOf(json)}`);
  json.forEach((e: unknown, i) => {
    const problem = eventProblem(e, i);
    if (problem) throw bad(problem);
  });
  return json as OrtTraceEvent[];
}

/** Parses the text of a trace file (see {@link ortTraceEvents}); `source` names it in errors. */
export function parseOrtTraceText(text: string, source: string): OrtTraceEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Invalid ORT profiling trace "${source}": not JSON (${(e as Error).message})`);
  }
  return ortTraceEvents(json, source);
}

/** A numeric arg (`Number(value)`: ORT writes numbers as strings), undefined when absent or not finite. */
function numberArg(args: Readonly<Record<string, unknown>>, key: string): number | undefined {
  if (args[key] === undefined) return undefined;
  const n = Number(args[key]);
  return Number.isFinite(n) ? n : undefined;
}

/** The `*_kernel_time` events of a trace, in trace order, whatever their category. */
export function kernelEvents(events: readonly OrtTraceEvent[]): KernelEvent[] {
  const out: KernelEvent[] = [];
  for (const e of events) {
    if (!e.name?.endsWith(KERNEL_SUFFIX)) continue;
    const args = e.args ?? {};
    out.push({
      cat: e.cat,
      node: e.name.slice(0, -KERNEL_SUFFIX.length),
      opType: args.op_name as string | undefined,
      provider: args.provider as string | undefined,
      startUs: e.ts ?? 0,
      durUs: e.dur ?? 0,
      arenaHeldBytes: numberArg(args, "mem_arena_held"),
      inUsePeakBytes: numberArg(args, "mem_in_use_peak"),
    });
  }
  return out;
}

/** Start of every run (`Session` `model_run` events), µs since the profiler started, ascending (0 when an event has no `ts`). */
export function modelRunStartsUs(events: readonly OrtTraceEvent[]): number[] {
  return events
    .filter((e) => e.cat === "Session" && e.name === "model_run")
    .map((e) => e.ts ?? 0)
    .sort((a, b) => a - b);
}

/**
 * The kernel times of each profiled node, in trace order: node → its op type (the first
 * event's) and one duration per run (µs).
 */
export function kernelsByNode(kernels: readonly KernelEvent[]): Map<string, { opType: string | undefined; durUs: number[] }> {
  const out = new Map<string, { opType: string | undefined; durUs: number[] }>();
  for (const k of kernels) {
    const entry = out.get(k.node) ?? { opType: k.opType, durUs: [] };
    entry.durUs.push(k.durUs);
    out.set(k.node, entry);
  }
  return out;
}

/**
 * The events of the trace ORT wrote for profile file prefix `prefix` (`<prefix>_<date>.json`;
 * the last by name where there are several), or undefined when there is none. `remove`
 * deletes the file once it is read.
 */
export async function readOrtTrace(prefix: string, o: { remove: boolean }): Promise<OrtTraceEvent[] | undefined> {
  const dir = dirname(prefix);
  const stem = basename(prefix);
  const file = (await readdir(dir))
    .filter((f) => f.startsWith(stem) && f.endsWith(".json"))
    .sort()
    .pop();
  if (!file) return undefined;
  const path = join(dir, file);
  const events = parseOrtTraceText(await readFile(path, "utf8"), path);
  if (o.remove) await rm(path, { force: true });
  return events;
}
