/**
 * The CPU's theoretical peak, derived from its facts (never typed in): physical cores ×
 * clock × SIMD lanes × 2 for a fused multiply-add, per FMA pipe. The SIMD width comes from
 * the ISA flags of /proc/cpuinfo (avx512f → 512 bit, avx/avx2 → 256, sse/neon/asimd → 128),
 * the clock from systeminformation's nominal speed, else the largest `cpu MHz` of
 * /proc/cpuinfo (a VM often reports only that). How many FMA pipes a core has is not in
 * /proc/cpuinfo, so the figure is stated per pipe (many x86 cores have two).
 */
import { readFile } from "node:fs/promises";
import type { Hardware } from "../../formats/run/results-schema.ts";

/** Reads the clock from /proc/cpuinfo (null on systems without it). */
export async function procCpuinfoClock(path = "/proc/cpuinfo"): Promise<{ ghz: number | null; source: string }> {
  try {
    return { ghz: cpuinfoClockGHz(await readFile(path, "utf8")), source: `${path} cpu MHz` };
  } catch {
    return { ghz: null, source: `${path} unreadable` };
  }
}

/** A derived peak with the arithmetic that produced it. */
export interface TheoreticalPeak {
  /** FP32 GFLOP/s per FMA pipe, or null when a fact is missing. */
  readonly fp32Gflops: number | null;
  /** INT8 GOP/s per pipe (1 MAC = 2 ops), or null. */
  readonly int8Gops: number | null;
  /** The formula with this machine's numbers, e.g. `2 cores × 2.60 GHz × 16 lanes × 2 (FMA)`. */
  readonly fp32Formula: string;
  readonly int8Formula: string;
  /** What the figures leave out. */
  readonly caveat: string;
}

/** SIMD register width in bits from the ISA flags, or null when none is known. */
export function simdBits(flags: readonly string[]): number | null {
  const has = (f: string) => flags.includes(f);
  if (has("avx512f")) return 512;
  if (has("avx2") || has("avx")) return 256;
  if (has("sse4_2") || has("neon") || has("asimd")) return 128;
  return null;
}

/** The largest `cpu MHz` line of a /proc/cpuinfo text, in GHz, or null. */
export function cpuinfoClockGHz(cpuinfo: string): number | null {
  const mhz = [...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1])).filter((v) => v > 0);
  return mhz.length > 0 ? Math.max(...mhz) / 1000 : null;
}

/**
 * Derives the CPU's FP32 and INT8 peaks from `hw.cpu` (`clock` when its speed is missing:
 * e.g. {@link cpuinfoClockGHz} of /proc/cpuinfo, with `clockSource` naming where it came from). INT8: with a dot-product
 * instruction (avx512_vnni / avx_vnni / asimddp) each 32-bit lane does 4 int8 MACs per
 * instruction; without, u8×s8 multiply-add pairs (pmaddubsw) give 2 per 16-bit lane.
 */
export function theoreticalPeak(hw: Hardware, clock: { ghz: number | null; source: string } = { ghz: null, source: "" }): TheoreticalPeak {
  const { cores, flags } = hw.cpu;
  const speedGHz = hw.cpu.speedGHz ?? clock.ghz;
  const clockFrom = hw.cpu.speedGHz ? "nominal" : clock.source;
  const bits = simdBits(flags);
  const caveat =
    "per FMA pipe: cores with two FMA pipes reach twice this; the nominal clock is used (turbo and AVX-512 down-clocking change it); a VM's vCPUs may share physical cores.";
  if (!bits || !speedGHz || cores <= 0) {
    const missing = !bits ? "no known SIMD flag" : !speedGHz ? "no clock speed" : "no core count";
    return {
      fp32Gflops: null,
      int8Gops: null,
      fp32Formula: `not derivable: ${missing} in the CPU facts`,
      int8Formula: `not derivable: ${missing} in the CPU facts`,
      caveat,
    };
  }
  const fma = flags.includes("fma") || bits === 512 || flags.includes("neon") || flags.includes("asimd");
  const lanes = bits / 32;
  const fp32 = cores * speedGHz * lanes * (fma ? 2 : 1);
  const vnni = bits === 512 ? flags.includes("avx512_vnni") : flags.includes("avx_vnni") || flags.includes("asimddp");
  const macsPerLane = vnni ? 4 : 2;
  const int8Lanes = vnni ? lanes : bits / 16;
  const int8 = cores * speedGHz * int8Lanes * macsPerLane * 2;
  const ghz = speedGHz.toFixed(2);
  return {
    fp32Gflops: fp32,
    int8Gops: int8,
    fp32Formula: `${cores} cores × ${ghz} GHz (${clockFrom}) × ${lanes} fp32 lanes (${bits}-bit) × ${fma ? "2 (FMA)" : "1 (no FMA flag)"}`,
    int8Formula: `${cores} cores × ${ghz} GHz (${clockFrom}) × ${int8Lanes} lanes × ${macsPerLane} int8 MACs (${vnni ? "VNNI dot product" : "no VNNI: pmaddubsw pairs"}) × 2 ops`,
    caveat,
  };
}
