/** The `tuning` entry of `export.json`: how the default INT8 (`int8`) was chosen on this machine. */
import { z } from "zod";

/** One candidate as recorded. */
export const TunedCandidateSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** Node keys kept float. */
  floatNodes: z.array(z.string()),
  /** Top-1 accuracy on the validation slice, fraction 0..1; null when unknown (generated inputs). */
  accuracy: z.number().nullable(),
  /** FP32 accuracy − candidate accuracy, percentage points. */
  accuracyDropPoints: z.number().nullable(),
  withinBudget: z.boolean(),
  /** FP32 time ÷ candidate time, paired and interleaved; > 1: faster than FP32. */
  speedup: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  verdict: z.enum(["faster", "slower", "no clear difference"]).nullable(),
  /** With a thread search: the intra-op setting this candidate was fastest at (0 = ORT's default); its speedup is taken there, over FP32 at FP32's fastest. */
  intraOpThreads: z.number().int().optional(),
});

/** The machine a tuning was made on: what decides which INT8 recipe is fastest. */
export const TunedMachineSchema = z.object({
  /** Short hash of the other fields: the name of the machine's tuning folder (`tuning/<id>/`). */
  id: z.string(),
  /** CPU model as the OS names it. */
  cpuModel: z.string(),
  logicalCpus: z.number().int(),
  /** Physical cores (null where the OS does not say). */
  physicalCores: z.number().int().nullable(),
  /** ISA flags that matter for INT8 (avx512_vnni, amx_int8, …), sorted. */
  flags: z.array(z.string()),
  /** onnxruntime-node version. */
  ortVersion: z.string(),
  /** EP the candidates were timed on. */
  ep: z.string(),
  /** Intra-op pool size the candidates were timed with (ORT's default resolved, never 0). */
  threads: z.number().int(),
});

/** The machine a tuning was made on. */
export type TunedMachine = z.infer<typeof TunedMachineSchema>;

/** `AMD EPYC, 2 CPUs (2 cores), avx512_vnni, ORT 1.30.0, cpu at 1 thread [3f2a…]`: the machine in words, for reports and progress lines. */
export function machineLabel(m: TunedMachine): string {
  const vnni = m.flags.filter((f) => /vnni|amx/.test(f));
  return (
    `${m.cpuModel}, ${m.logicalCpus} CPUs${m.physicalCores === null ? "" : ` (${m.physicalCores} cores)`}` +
    `${vnni.length > 0 ? `, ${vnni.join(" ")}` : ""}, ORT ${m.ortVersion}, ${m.ep} at ${m.threads} thread${m.threads === 1 ? "" : "s"} [${m.id}]`
  );
}

/** Zod schema of the tuning record. */
export const TuningRecordSchema = z.object({
  /** Execution provider the candidates were timed on. */
  ep: z.string(),
  /** The machine it was tuned on; absent in records made before machines were named (treated as another machine's). */
  machine: TunedMachineSchema.optional(),
  /** Images per timed run. */
  batch: z.number().int(),
  /** ORT intra-op threads of the timed sessions (0 = ORT's default: one per physical core). */
  intraOpThreads: z.number().int(),
  /** The intra-op settings searched (0 = ORT's default) and the one FP32 was fastest at; absent: timed at `intraOpThreads` only. */
  threadSearch: z.object({ settings: z.array(z.number().int()), fp32: z.number().int() }).optional(),
  /** Largest accuracy drop allowed, percentage points. */
  accuracyBudgetPoints: z.number(),
  /** Where the accuracies come from: `train` (a seeded slice of the training split, disjoint from calibration) or `generated` (none). */
  validation: z.object({ split: z.enum(["train", "generated"]), images: z.number().int() }),
  fp32Accuracy: z.number().nullable(),
  /** Measuring time of the interleaved window, ms, and the cycles it ran. */
  measureMs: z.number(),
  cycles: z.number().int(),
  /** The per-op profile behind the `profile-slow-float` candidate: kernel µs per run by weighted node, FP32 and every-node INT8. */
  opProfile: z
    .object({
      runs: z.number().int(),
      fp32Micros: z.record(z.string(), z.number()),
      int8Micros: z.record(z.string(), z.number()),
      slowerInInt8: z.array(z.string()),
    })
    .nullable()
    .default(null),
  candidates: z.array(TunedCandidateSchema),
  /** The candidate written as `int8`. */
  chosen: z.string(),
  why: z.string(),
  /** Wall time of the whole tuning (quantizing, evaluating and timing every candidate), seconds. */
  seconds: z.number(),
});

/** Parsed tuning record. */
export type TuningRecord = z.infer<typeof TuningRecordSchema>;
