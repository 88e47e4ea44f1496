/**
 * The tuned INT8: profiles FP32 and every-node INT8 per op (`op-profile-hints.ts`), quantizes
 * the FP32 model once per candidate node set (`candidate-sets.ts`, one of them suggested by
 * that profile), checks each one's accuracy on a validation slice, times FP32 and
 * every candidate side by side on the target EP (CPU) in one interleaved window, and keeps
 * the fastest within the accuracy budget (`search.ts`).
 */
import type * as ort from "onnxruntime-node";
import { functionTimer, type InterleaveSettings } from "../../measure/index.ts";
import { openOrtSession, ortSessionOptions } from "../../ort/index.ts";
import { encodeOnnx, type onnx } from "../../formats/onnx/onnx-io.ts";
import { quantizeStatic, type QuantReport, type StaticQuantOptions } from "../quantize/index.ts";
import { int8Candidates, kernelAliases, type Int8Candidate } from "./candidate-sets.ts";
import { nodeTimes, profileKernels, slowerInInt8 } from "./op-profile-hints.ts";
import { FP32_VARIANT, interleavedSpeedups, interleavedSpeedupsOverThreads, type ThreadedTimer } from "./interleaved-speedups.ts";
import { searchInt8 } from "./search.ts";
import type { TuningRecord } from "../../formats/tuning-record.ts";

/** How to tune. */
export interface TuneSettings {
  /** Images per timed run (the batch the user cares about). */
  readonly batch: number;
  /** Largest accuracy drop allowed, percentage points. */
  readonly accuracyBudgetPoints: number;
  /** Measuring time of the interleaved window (FP32 and every candidate together), ms. */
  readonly measureMs: number;
  /** ORT intra-op threads of the timed sessions; 0 = ORT's default. */
  readonly intraOpThreads: number;
  /**
   * Intra-op settings to search (0 = ORT's default): FP32 and every candidate are timed at each
   * in the one window and compared each at its fastest. Default: only {@link intraOpThreads}.
   */
  readonly threadSearch?: readonly number[];
  /** Most candidates to try (default 8). */
  readonly maxCandidates?: number;
  /** Runs of the per-op profile of FP32 and of every-node INT8 (default 20). */
  readonly profileRuns?: number;
}

/** What the tuner needs from the data. */
export interface TuneData {
  /** One feed at `batch` images, timed for every variant. */
  readonly timingFeed: Record<string, ort.Tensor>;
  /** Accuracy (0..1) of a model's bytes on the validation slice, or null when unknown. */
  readonly accuracyOf: (model: Uint8Array) => Promise<number | null>;
  /** What the slice is, for the record. */
  readonly validation: TuningRecord["validation"];
}

/** Interleave settings of a tuning window of `measureMs`. */
export function tuneInterleaveSettings(measureMs: number): InterleaveSettings {
  return { warmupTimeMs: 100, warmupIterations: 5, measureMs, maxMs: measureMs * 3 + 2000, blockMs: 10, minCycles: 10, seed: 1 };
}

/** Tunes; returns the chosen model, its quantizer report and the tuning record. */
export async function tuneInt8(
  fp32: onnx.IModelProto,
  calibrationFeeds: Record<string, ort.Tensor>[],
  quant: StaticQuantOptions,
  data: TuneData,
  settings: TuneSettings,
): Promise<{ model: onnx.IModelProto; report: QuantReport; record: TuningRecord }> {
  const started = performance.now();
  const rangeCache: NonNullable<StaticQuantOptions["rangeCache"]> = new Map();
  const quantize = async (floatNodes: ReadonlyMap<string, string>) => {
    const q = await quantizeStatic(fp32, calibrationFeeds, { ...quant, minConvInputChannels: 0, floatNodes, rangeCache });
    return { ...q, bytes: encodeOnnx(q.model) };
  };
  const fp32Bytes = encodeOnnx(fp32);
  // The per-op profile's hint: weighted nodes whose int8 kernel (every node quantized) is slower than their fp32 one.
  const everyNode = await quantize(new Map());
  const aliases = kernelAliases(fp32);
  const keys = [...new Set(aliases.values())];
  const runs = settings.profileRuns ?? 20;
  const fp32Times = nodeTimes(await profileKernels(fp32Bytes, data.timingFeed, runs, settings.intraOpThreads), aliases);
  const int8Times = nodeTimes(await profileKernels(everyNode.bytes, data.timingFeed, runs, settings.intraOpThreads), aliases);
  const slower = slowerInInt8(fp32Times, int8Times, keys);
  const candidates = int8Candidates(fp32, settings.maxCandidates, slower);
  const built = new Map<string, { model: onnx.IModelProto; report: QuantReport; bytes: Uint8Array }>();
  for (const c of candidates) built.set(c.name, c.floatNodes.size === 0 ? everyNode : await quantize(c.floatNodes));
  const bytesOf = (c: Int8Candidate): Uint8Array => built.get(c.name)!.bytes;
  const fp32Accuracy = await data.accuracyOf(fp32Bytes);
  let cycles = 0;
  let bestThreads: ReadonlyMap<string, number> | undefined;
  const result = await searchInt8({
    candidates,
    fp32Accuracy,
    accuracyBudgetPoints: settings.accuracyBudgetPoints,
    accuracyOf: (c) => data.accuracyOf(bytesOf(c)),
    speedupsOf: async (cs) => {
      const sessions: ort.InferenceSession[] = [];
      try {
        const open = async (bytes: Uint8Array, threads: number) => {
          // Several sessions alternate in one process: a pool left spinning after its block
          // would steal the cores from the next session's block.
          const s = await openOrtSession(
            bytes,
            ortSessionOptions({ executionProviders: ["cpu"], graphOptimization: "all", intraOpThreads: threads, logLevel: 3, spinning: false }),
          );
          sessions.push(s);
          return s;
        };
        const search = settings.threadSearch ?? [settings.intraOpThreads];
        if (search.length > 1) {
          // Each model at each thread setting, compared each at its fastest (the profile's rows are too).
          const timers: ThreadedTimer[] = [];
          for (const [name, bytes] of [[FP32_VARIANT, fp32Bytes] as const, ...cs.map((c) => [c.name, bytesOf(c)] as const)])
            for (const threads of search) {
              const s = await open(bytes, threads);
              timers.push({ name, threads, timer: functionTimer(`${name}@${threads}`, () => s.run(data.timingFeed)) });
            }
          const out = await interleavedSpeedupsOverThreads(timers, tuneInterleaveSettings(settings.measureMs));
          cycles = out.cycles;
          bestThreads = out.threads;
          return out.speedups;
        }
        const base = await open(fp32Bytes, settings.intraOpThreads);
        const timers = [];
        for (const c of cs) {
          const s = await open(bytesOf(c), settings.intraOpThreads);
          timers.push(functionTimer(c.name, () => s.run(data.timingFeed)));
        }
        const out = await interleavedSpeedups(
          functionTimer(FP32_VARIANT, () => base.run(data.timingFeed)),
          timers,
          tuneInterleaveSettings(settings.measureMs),
        );
        cycles = out.cycles;
        return out.speedups;
      } finally {
        for (const s of sessions) await s.release();
      }
    },
  });
  const chosen = built.get(result.chosen)!;
  return {
    model: chosen.model,
    report: chosen.report,
    record: {
      ep: "cpu",
      batch: settings.batch,
      intraOpThreads: settings.intraOpThreads,
      accuracyBudgetPoints: settings.accuracyBudgetPoints,
      validation: data.validation,
      fp32Accuracy,
      measureMs: settings.measureMs,
      cycles,
      opProfile: { runs, fp32Micros: Object.fromEntries(fp32Times), int8Micros: Object.fromEntries(int8Times), slowerInInt8: slower },
      candidates: result.candidates.map((c) => ({
        ...c,
        ci95: c.ci95 ? [c.ci95[0], c.ci95[1]] : null,
        ...(bestThreads?.has(c.name) ? { intraOpThreads: bestThreads.get(c.name)! } : {}),
      })),
      ...(bestThreads
        ? { threadSearch: { settings: [...(settings.threadSearch ?? [])], fp32: bestThreads.get(FP32_VARIANT) ?? settings.intraOpThreads } }
        : {}),
      chosen: result.chosen,
      why: result.why,
      seconds: (performance.now() - started) / 1000,
    },
  };
}
