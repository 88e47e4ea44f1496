/**
 * NVIDIA GPUs through `nvidia-smi`: energy (`total_energy_consumption`, millijoules since the
 * driver loaded, or `power.draw` sampled and integrated where the driver gives no counter),
 * the GPU's facts (name, driver, memory, clocks, power limit, PCIe link) and the memory a
 * process holds on it. Every query asks its fields together and, when the driver refuses
 * that (an H200 on driver 580 refused `total_energy_consumption` and failed the whole query),
 * one field at a time, so one refused field loses nothing else. The command is a parameter
 * so tests put a fake `nvidia-smi` on PATH.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import type { Unavailable } from "./powercap.ts";

/** The energy query the reader runs. */
export const NVIDIA_SMI_ARGS = ["--query-gpu=index,name,total_energy_consumption,power.draw", "--format=csv,noheader,nounits"];

/** One GPU's reading. */
export interface GpuEnergy {
  readonly index: number;
  readonly name: string;
  /** Energy since the driver loaded, mJ (null when the GPU does not report it). */
  readonly energyMj: number | null;
  /** Power draw now, W (null when not reported). */
  readonly powerW: number | null;
}

const num = (s: string | null | undefined): number | null => {
  const v = Number((s ?? "").trim());
  return (s ?? "").trim() !== "" && Number.isFinite(v) ? v : null; // "[N/A]", "[Not Supported]" → null
};

/** Parses `nvidia-smi --query-gpu=index,name,total_energy_consumption,power.draw --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): GpuEnergy[] {
  return csv
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [index, name, energy, power] = line.split(",").map((x) => x.trim());
      return { index: Number(index), name: name ?? "", energyMj: num(energy), powerW: num(power) };
    });
}

/** Runs nvidia-smi; its stdout, or the error (ENOENT when it is not on PATH). */
export function runNvidiaSmi(command: string, args: readonly string[], timeoutMs = 5000): Promise<{ stdout: string } | { error: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) resolve({ stdout });
      else {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        resolve({ error: (String(stderr || stdout) || error.message).trim().split("\n")[0] ?? "", missing });
      }
    });
  });
}

/** Per GPU, each field's value (null when the GPU says N/A), and the fields the driver refused with its words. */
export interface GpuFieldTable {
  readonly gpus: readonly Readonly<Record<string, string | null>>[];
  readonly refused: Readonly<Record<string, string>>;
}

const cell = (s: string | undefined): string | null => {
  const t = (s ?? "").trim();
  return t === "" || /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions)\]?$/i.test(t) ? null : t;
};

/**
 * Queries `fields` of every GPU (`--query-gpu`): all together, else one by one. Resolves the
 * table, or why nvidia-smi cannot answer at all (not installed, no driver, no GPU).
 */
export async function queryGpuFields(fields: readonly string[], command = "nvidia-smi", timeoutMs = 5000): Promise<GpuFieldTable | Unavailable> {
  const query = (fs: readonly string[]) => runNvidiaSmi(command, [`--query-gpu=${fs.join(",")}`, "--format=csv,noheader,nounits"], timeoutMs);
  const all = await query(fields);
  if ("stdout" in all) {
    const lines = all.stdout.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) return { reason: `${command} lists no GPU`, fix: "check the NVIDIA driver: run nvidia-smi by hand" };
    return { gpus: lines.map((l) => Object.fromEntries(fields.map((f, k) => [f, cell(l.split(",")[k])]))), refused: {} };
  }
  if (all.missing) {
    return {
      reason: `${command} is not on PATH (no NVIDIA driver on this machine)`,
      fix: "on a machine with an NVIDIA GPU install its driver (nvidia-smi comes with it)",
    };
  }
  // One refused field fails the whole query: ask each field alone.
  const columns = await Promise.all(fields.map(async (f) => ({ f, r: await query([f]) })));
  const answered = columns.filter((c): c is { f: string; r: { stdout: string } } => "stdout" in c.r);
  if (answered.length === 0) return { reason: `${command} failed: ${all.error}`, fix: "check the NVIDIA driver: run nvidia-smi by hand" };
  const rows = Math.max(...answered.map((c) => c.r.stdout.split("\n").filter((l) => l.trim() !== "").length));
  const gpus = Array.from({ length: rows }, (_, i) =>
    Object.fromEntries(
      fields.map((f) => [
        f,
        cell(
          answered
            .find((c) => c.f === f)
            ?.r.stdout.split("\n")
            .filter((l) => l.trim() !== "")[i],
        ),
      ]),
    ),
  );
  const refused = Object.fromEntries(columns.filter((c) => "error" in c.r).map((c) => [c.f, "error" in c.r ? c.r.error : ""]));
  return { gpus, refused };
}

/** Runs nvidia-smi's energy query (field by field where needed); GPUs, or why not (no tool, no driver, no counter, no power reading). */
export async function queryNvidiaSmi(command = "nvidia-smi", timeoutMs = 5000): Promise<GpuEnergy[] | Unavailable> {
  const table = await queryGpuFields(["index", "name", "total_energy_consumption", "power.draw"], command, timeoutMs);
  if (!("gpus" in table)) return table;
  const gpus = table.gpus.map((g, i) => ({
    index: num(g.index) ?? i,
    name: g.name ?? "",
    energyMj: num(g["total_energy_consumption"]),
    powerW: num(g["power.draw"]),
  }));
  if (gpus.every((g) => g.energyMj === null && g.powerW === null)) {
    return {
      reason: `${gpus.map((g) => g.name).join(", ")} report neither total_energy_consumption nor power.draw${table.refused["total_energy_consumption"] ? ` (${table.refused["total_energy_consumption"]})` : ""}`,
      fix: "energy per inference needs a GPU whose driver reports an energy counter or its power draw",
    };
  }
  return gpus;
}

/** A GPU's facts from nvidia-smi (null where the driver gave none). */
export interface NvidiaGpuFacts {
  readonly index: number;
  readonly name: string;
  readonly driver: string | null;
  /** Total memory, MiB. */
  readonly memoryMiB: number | null;
  /** Maximum SM and memory clocks, MHz. */
  readonly smClockMHz: number | null;
  readonly memClockMHz: number | null;
  /** Power limit, W. */
  readonly powerLimitW: number | null;
  /** PCIe generation and width: the link's maximum and what it runs at now. */
  readonly pcie: { readonly genMax: number | null; readonly widthMax: number | null; readonly genNow: number | null; readonly widthNow: number | null };
  /** CUDA version the driver supports (from the `nvidia-smi` banner), e.g. `13.0`. */
  readonly cudaDriverVersion: string | null;
  /** Fields the driver refused, with its words. */
  readonly refused: Readonly<Record<string, string>>;
}

/** The facts fields asked of nvidia-smi. */
export const GPU_FACT_FIELDS = [
  "index",
  "name",
  "driver_version",
  "memory.total",
  "clocks.max.sm",
  "clocks.max.memory",
  "power.limit",
  "pcie.link.gen.max",
  "pcie.link.width.max",
  "pcie.link.gen.current",
  "pcie.link.width.current",
] as const;

/** The CUDA version in nvidia-smi's banner (`CUDA Version: 13.0`), or null. */
export function cudaVersionOf(banner: string): string | null {
  return /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1] ?? null;
}

/** Every NVIDIA GPU's facts, or why none can be read. */
export async function nvidiaGpuFacts(command = "nvidia-smi", timeoutMs = 5000): Promise<NvidiaGpuFacts[] | Unavailable> {
  const [table, banner] = await Promise.all([queryGpuFields(GPU_FACT_FIELDS, command, timeoutMs), runNvidiaSmi(command, [], timeoutMs)]);
  if (!("gpus" in table)) return table;
  const cuda = "stdout" in banner ? cudaVersionOf(banner.stdout) : null;
  return table.gpus.map((g, i) => ({
    index: num(g.index) ?? i,
    name: g.name ?? "unknown",
    driver: g.driver_version ?? null,
    memoryMiB: num(g["memory.total"]),
    smClockMHz: num(g["clocks.max.sm"]),
    memClockMHz: num(g["clocks.max.memory"]),
    powerLimitW: num(g["power.limit"]),
    pcie: {
      genMax: num(g["pcie.link.gen.max"]),
      widthMax: num(g["pcie.link.width.max"]),
      genNow: num(g["pcie.link.gen.current"]),
      widthNow: num(g["pcie.link.width.current"]),
    },
    cudaDriverVersion: cuda,
    refused: table.refused,
  }));
}

/**
 * GPU memory the process `pid` holds, MiB (summed over GPUs), from `--query-compute-apps`;
 * null when nvidia-smi does not list it (in a container nvidia-smi may see other PIDs).
 */
export async function processGpuMemoryMiB(pid: number, command = "nvidia-smi", timeoutMs = 5000): Promise<number | null> {
  const r = await runNvidiaSmi(command, ["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"], timeoutMs);
  if (!("stdout" in r)) return null;
  const mine = r.stdout
    .split("\n")
    .map((l) => l.split(",").map((x) => x.trim()))
    .filter(([p]) => Number(p) === pid)
    .map(([, m]) => num(m))
    .filter((m): m is number => m !== null);
  return mine.length > 0 ? mine.reduce((a, b) => a + b, 0) : null;
}

/** Memory used on each GPU as a whole, MiB (`memory.used`), or null. */
export async function gpuMemoryUsedMiB(command = "nvidia-smi", timeoutMs = 5000): Promise<number[] | null> {
  const t = await queryGpuFields(["memory.used"], command, timeoutMs);
  if (!("gpus" in t)) return null;
  const used = t.gpus.map((g) => num(g["memory.used"]));
  return used.every((u): u is number => u !== null) ? used : null;
}

/** Timestamped power readings of each GPU, W; time in this process's `performance.now()` ms. */
export interface PowerSample {
  readonly t: number;
  readonly watts: readonly number[];
}

/** Energy between `t0` and `t1` (ms) from power samples, J: the trapezoid rule over the samples in the window, the edges held at the nearest sample. Per GPU. */
export function integratePower(samples: readonly PowerSample[], t0: number, t1: number): number[] {
  if (samples.length === 0 || t1 <= t0) return [];
  const gpus = samples[0]!.watts.length;
  const at = (t: number, g: number): number => {
    let before: PowerSample | undefined;
    let after: PowerSample | undefined;
    for (const s of samples) {
      if (s.t <= t) before = s;
      else {
        after = s;
        break;
      }
    }
    if (!before) return after!.watts[g] ?? 0;
    if (!after) return before.watts[g] ?? 0;
    const w = (t - before.t) / (after.t - before.t);
    return (before.watts[g] ?? 0) * (1 - w) + (after.watts[g] ?? 0) * w;
  };
  const inside = samples.filter((s) => s.t > t0 && s.t < t1).map((s) => s.t);
  const ts = [t0, ...inside, t1];
  return Array.from({ length: gpus }, (_, g) => {
    let j = 0;
    for (let k = 1; k < ts.length; k++) j += ((at(ts[k - 1]!, g) + at(ts[k]!, g)) / 2) * (ts[k]! - ts[k - 1]!);
    return j / 1000;
  });
}

/** A running `nvidia-smi --query-gpu=power.draw -lms <period>` whose readings are kept with their arrival times. */
export interface PowerSampler {
  readonly samples: readonly PowerSample[];
  /** Waits until a sample newer than `t` arrived (or `timeoutMs` passed). */
  after(t: number, timeoutMs?: number): Promise<void>;
  stop(): void;
}

/**
 * Starts sampling power.draw of `gpus` GPUs every `periodMs` (nvidia-smi's own loop prints one
 * line per GPU per reading); every `gpus` consecutive values are one reading, timed when its
 * last line arrives (output chunks do not follow readings).
 */
export function startPowerSampler(command = "nvidia-smi", periodMs = 50, gpus = 1): PowerSampler {
  const samples: PowerSample[] = [];
  let child: ChildProcess | undefined;
  let buffer = "";
  const pending: number[] = [];
  const flush = () => {
    while (pending.length >= gpus) samples.push({ t: performance.now(), watts: pending.splice(0, gpus) });
  };
  try {
    child = spawn(command, ["--query-gpu=power.draw", "--format=csv,noheader,nounits", `-lms`, String(periodMs)], { stdio: ["ignore", "pipe", "ignore"] });
    child.on("error", () => undefined);
    child.stdout?.on("data", (d: Buffer) => {
      buffer += d.toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const l of lines) {
        const t = l.trim();
        if (t !== "") pending.push(num(t) ?? 0); // a GPU that says [N/A] keeps its place in the reading
      }
      flush();
    });
    child.unref();
  } catch {
    child = undefined;
  }
  return {
    samples,
    async after(t, timeoutMs = 500) {
      const end = performance.now() + timeoutMs;
      while ((samples.at(-1)?.t ?? -Infinity) <= t && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
    },
    stop: () => child?.kill(),
  };
}
