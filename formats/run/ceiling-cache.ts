/**
 * The measured ceilings of one machine, cached as JSON under the artifacts root:
 * `<out>/ceilings/<hostname>-<fingerprint>.json`, one entry per EP. The fingerprint hashes
 * what changes the figures (host, CPU model and threads, GPUs, ONNX Runtime version, the
 * ceiling kernels), so new hardware, a new ORT or new kernels read as "not measured yet" and
 * are measured again.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { Hardware } from "./results-schema.ts";
import { ensureOutputDir } from "../output-dir.ts";

/** The ceilings measured. */
export const CEILING_KINDS = [
  "fp32-matmul",
  "fp16-matmul",
  "fp32-conv",
  "int8-qlinearmatmul",
  "int8-matmulinteger",
  "bandwidth",
  "link-h2d",
  "link-d2h",
] as const;
/** One ceiling kind. */
export type CeilingKind = (typeof CEILING_KINDS)[number];

/** One measured ceiling: its value (best round), median, spread over rounds and the best single run. */
export const CeilingFigureSchema = z.object({
  kind: z.enum(CEILING_KINDS),
  description: z.string(),
  /** `GFLOP/s` (fp32), `GOP/s` (int8) or `GB/s` (bandwidth; 1 GB = 10⁹ bytes). */
  unit: z.string(),
  /**
   * The ceiling: the best round's figure at that round's median latency (each round is a
   * fresh child; on a shared machine the least-disturbed round is the closest to the roof).
   */
  value: z.number(),
  /** Median over rounds of the round figures. */
  median: z.number(),
  /** Smallest and largest round figure: the spread. */
  min: z.number(),
  max: z.number(),
  /** The figure at the fastest single run of any round. */
  best: z.number(),
  /** Each round's median latency, ms. */
  roundP50Ms: z.array(z.number()),
  /** The best round's size ladder: each rung's problem size (MatMul side, Conv c²·hw², float elements), figure and median run, ms. */
  ladder: z.array(z.object({ size: z.number(), value: z.number(), p50Ms: z.number() })).optional(),
  /** Why that ladder stopped climbing: the rate went flat, a run got too long, the top rung, the time budget, or a rung failed. */
  stop: z.enum(["flat", "run-too-long", "top-rung", "budget", "error"]).optional(),
  /** True when the data was made on the device inside the graph (no host transfer in the timed runs). */
  deviceResident: z.boolean().optional(),
});

/** The ceilings of one EP on this machine. */
export const EpCeilingsSchema = z.object({
  ep: z.string(),
  measuredAt: z.string(),
  /** Seconds the measurement took. */
  seconds: z.number(),
  figures: z.array(CeilingFigureSchema),
  /** The roofline's roofs: the FP32 compute ceiling (GFLOP/s, the better FP32 kernel), the INT8 one (GOP/s, the better INT8 kernel), bandwidth (GB/s). */
  fp32Gflops: z.number().nullable(),
  int8Gops: z.number().nullable(),
  bandwidthGBs: z.number().nullable(),
  /** FP16 compute ceiling, GFLOP/s (GPU EPs), when measured. */
  fp16Gflops: z.number().nullable().optional(),
  /** The host link: host→device and device→host bandwidth, GB/s (GPU EPs). */
  linkH2dGBs: z.number().nullable().optional(),
  linkD2hGBs: z.number().nullable().optional(),
  /** Settings the figures depend on (CPU intra-op threads, CUDA TF32), as words. */
  settings: z.record(z.string(), z.string()).optional(),
  /** A GPU's datasheet peak derived from its facts (gpu-peak.ts): never mixed with a measured figure. */
  datasheet: z
    .object({
      gpu: z.string(),
      fp32Gflops: z.number().nullable(),
      tf32Gflops: z.number().nullable(),
      fp16Gflops: z.number().nullable(),
      bandwidthGBs: z.number().nullable(),
      formula: z.string(),
      source: z.string(),
    })
    .optional(),
  /** Why a figure is missing or how to read it. */
  notes: z.array(z.string()),
  /** The CPU's theoretical peak derived from its facts (theoretical-peak.ts), for the cpu EP. */
  theoretical: z
    .object({
      fp32Gflops: z.number().nullable(),
      int8Gops: z.number().nullable(),
      fp32Formula: z.string(),
      int8Formula: z.string(),
      caveat: z.string(),
    })
    .optional(),
});

/** Zod schema of a ceilings cache file. */
export const CeilingFileSchema = z.object({
  schemaVersion: z.literal(1),
  fingerprint: z.string(),
  hostname: z.string(),
  cpu: z.string(),
  ortVersion: z.string(),
  eps: z.array(EpCeilingsSchema),
});

/** One measured ceiling. */
export type CeilingFigure = z.infer<typeof CeilingFigureSchema>;
/** The ceilings of one EP. */
export type EpCeilings = z.infer<typeof EpCeilingsSchema>;
/** A cache file. */
export type CeilingFile = z.infer<typeof CeilingFileSchema>;

/** What identifies a machine for the cache: a 12-hex hash of host, CPU, threads, GPUs, ORT version and the ceiling kinds measured. */
export function machineFingerprint(hw: Hardware): string {
  const key = {
    host: hw.hostname,
    cpu: hw.cpu.model,
    cores: hw.cpu.cores,
    threads: hw.cpu.threads,
    gpus: hw.gpus.map((g) => `${g.vendor} ${g.model} ${g.driver}`),
    ort: hw.versions.onnxruntimeNode ?? "unknown",
    // a cache measured with other ceiling kernels reads as "not measured yet"
    kinds: CEILING_KINDS.join(","),
    method: "device-resident ladders v2",
  };
  return createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 12);
}

/** The artifacts root of a run dir `<out>/runs/<id>`: where `ceilings/` is cached. */
export function artifactsRootOf(runDir: string): string {
  return dirname(dirname(runDir));
}

/** Path of the cache file of `hw` under the artifacts root `out`. */
export function ceilingCachePath(out: string, hw: Hardware): string {
  return join(out, "ceilings", `${hw.hostname.replace(/[^\w.-]/g, "_")}-${machineFingerprint(hw)}.json`);
}

/** Reads the cached ceilings of `hw` (empty when none, or when the file is for other hardware). */
export async function readCeilings(out: string, hw: Hardware): Promise<EpCeilings[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(ceilingCachePath(out, hw), "utf8"));
  } catch {
    return [];
  }
  const parsed = CeilingFileSchema.safeParse(raw);
  if (!parsed.success || parsed.data.fingerprint !== machineFingerprint(hw)) return [];
  return parsed.data.eps;
}

/** Adds or replaces `entries` (by EP) in the cache of `hw`; returns the file path. */
export async function writeCeilings(out: string, hw: Hardware, entries: readonly EpCeilings[]): Promise<string> {
  const path = ceilingCachePath(out, hw);
  const kept = (await readCeilings(out, hw)).filter((e) => !entries.some((n) => n.ep === e.ep));
  const file: CeilingFile = {
    schemaVersion: 1,
    fingerprint: machineFingerprint(hw),
    hostname: hw.hostname,
    cpu: hw.cpu.model,
    ortVersion: hw.versions.onnxruntimeNode ?? "unknown",
    eps: [...kept, ...entries],
  };
  await ensureOutputDir(join(out, "ceilings"), "--out");
  await writeFile(path, JSON.stringify(file, null, 2) + "\n");
  return path;
}
