/**
 * A GPU's datasheet peak, derived from its facts and never mixed with a measured figure:
 * streaming multiprocessors (by model name: nvidia-smi does not report them) × the SM's
 * maximum clock (nvidia-smi `clocks.max.sm`) × the architecture's dense operations per SM
 * per clock; memory bandwidth as the datasheet states it. The per-SM rates are each
 * architecture's whitepaper figures (FP32 FMA lanes × 2; dense tensor-core TF32 and FP16 with
 * FP32 accumulation). The vendors' own TF32/FP16 figures use a lower tensor clock than the
 * maximum SM clock, so these read up to ~8% above them: an upper bound, labelled as such.
 */
import type { Hardware } from "../../formats/run/results-schema.ts";

/** One GPU model's datasheet facts. */
export interface GpuSpec {
  /** Matches nvidia-smi's name. */
  readonly match: RegExp;
  readonly arch: string;
  readonly sms: number;
  /** Dense FLOP per SM per clock: FP32 (CUDA cores), TF32 and FP16 (tensor cores, FP32 accumulate); null where the GPU has none. */
  readonly fp32: number;
  readonly tf32: number | null;
  readonly fp16: number | null;
  /** Memory bandwidth, GB/s, as the datasheet states it. */
  readonly bandwidthGBs: number;
}

/** The table, most specific names first. */
export const GPU_SPECS: readonly GpuSpec[] = [
  { match: /H200/i, arch: "Hopper", sms: 132, fp32: 256, tf32: 2048, fp16: 4096, bandwidthGBs: 4800 },
  { match: /H100.*PCIe/i, arch: "Hopper", sms: 114, fp32: 256, tf32: 2048, fp16: 4096, bandwidthGBs: 2000 },
  { match: /H100/i, arch: "Hopper", sms: 132, fp32: 256, tf32: 2048, fp16: 4096, bandwidthGBs: 3350 },
  { match: /A100.*80GB/i, arch: "Ampere", sms: 108, fp32: 128, tf32: 1024, fp16: 2048, bandwidthGBs: 2039 },
  { match: /A100/i, arch: "Ampere", sms: 108, fp32: 128, tf32: 1024, fp16: 2048, bandwidthGBs: 1555 },
  { match: /L40S/i, arch: "Ada", sms: 142, fp32: 256, tf32: 512, fp16: 1024, bandwidthGBs: 864 },
  { match: /RTX 4090/i, arch: "Ada", sms: 128, fp32: 256, tf32: 256, fp16: 512, bandwidthGBs: 1008 },
  { match: /A10\b/i, arch: "Ampere", sms: 72, fp32: 256, tf32: 512, fp16: 1024, bandwidthGBs: 600 },
  { match: /RTX 3090/i, arch: "Ampere", sms: 82, fp32: 256, tf32: 256, fp16: 512, bandwidthGBs: 936 },
  { match: /V100/i, arch: "Volta", sms: 80, fp32: 128, tf32: null, fp16: 1024, bandwidthGBs: 900 },
  { match: /T4\b/i, arch: "Turing", sms: 40, fp32: 128, tf32: null, fp16: 1024, bandwidthGBs: 320 },
];

/** A datasheet peak with its arithmetic. */
export interface GpuDatasheet {
  readonly gpu: string;
  readonly fp32Gflops: number | null;
  readonly tf32Gflops: number | null;
  readonly fp16Gflops: number | null;
  readonly bandwidthGBs: number | null;
  readonly formula: string;
  readonly source: string;
}

/** The datasheet peak of the first NVIDIA GPU in `hw`, or undefined when there is none or its model is not in {@link GPU_SPECS}. */
export function gpuDatasheet(hw: Hardware): GpuDatasheet | undefined {
  const gpu = hw.gpus.find((g) => /nvidia/i.test(g.vendor));
  if (!gpu) return undefined;
  const spec = GPU_SPECS.find((s) => s.match.test(gpu.model));
  if (!spec) return undefined;
  const mhz = gpu.nvidia?.smClockMHz ?? null;
  const at = (perClock: number | null) => (perClock !== null && mhz !== null ? (spec.sms * mhz * perClock) / 1000 : null);
  return {
    gpu: gpu.model,
    fp32Gflops: at(spec.fp32),
    tf32Gflops: at(spec.tf32),
    fp16Gflops: at(spec.fp16),
    bandwidthGBs: spec.bandwidthGBs,
    formula:
      mhz === null
        ? `no SM clock from nvidia-smi: compute peaks not derived; bandwidth ${spec.bandwidthGBs} GB/s`
        : `${spec.sms} SMs (${spec.arch}) × ${mhz} MHz max SM clock × FLOP per SM per clock (FP32 ${spec.fp32}, TF32 ${spec.tf32 ?? "none"}, FP16 ${spec.fp16 ?? "none"}, dense)`,
    source: "the architecture's whitepaper rates and the model's SM count and memory bandwidth from its datasheet; the clock from nvidia-smi",
  };
}
