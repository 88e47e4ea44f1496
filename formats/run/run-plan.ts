/**
 * The plan of a run, written to `<run dir>/plan.json` before the first row: settings,
 * hardware, EP probes and every job (model × precision × EP with its batch sizes).
 * `--resume` reads it back and runs whatever rows `results.jsonl` does not have yet.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { EpStatusSchema, HardwareSchema, RUN_FILES, WarningSchema } from "./results-schema.ts";
import { ModelWorkSchema } from "./model-work-schema.ts";
import { ProfileSettingsSchema } from "./run-settings.ts";
import { HarnessMetadataSchema } from "../onnx/onnx-metadata.ts";
import { onSoftwareAdapter } from "./software-adapter-fact.ts";

/** One graph input as planned. */
const InputSpecSchema = z.object({
  name: z.string(),
  dims: z.array(z.union([z.number(), z.string(), z.null()])),
  elemType: z.number().int(),
  /** The dims it runs at, axis 0 = the first batch: dynamic dims from --shape or the defaults (absent in older plans). */
  shape: z.array(z.number().int()).optional(),
});

/** One job: a child process measuring one model × precision × EP. */
export const PlannedJobSchema = z.object({
  model: z.string(),
  precision: z.string(),
  ep: z.string(),
  onnxPath: z.string(),
  batches: z.array(z.number().int().positive()),
  /** Set when the file could not be read: every row of the job is errored with this. */
  loadError: z.string().optional(),
  /** Set when the precision could not be made (e.g. INT8 of a model with int64 inputs): every row of the job is skipped with this. */
  skip: z.object({ reason: z.string(), fix: z.string() }).optional(),
  /** What the plan chose for the model and says on every row: defaulted input dims, zero-fed integer inputs, INT8 calibrated on generated inputs. */
  warnings: z.array(WarningSchema).optional(),
  params: z.number().int(),
  sizeBytes: z.number().int(),
  /** What the exported model says about itself (absent for foreign models); keys a later exporter adds are kept. */
  metadata: HarnessMetadataSchema.loose().optional(),
  inputs: z.array(InputSpecSchema),
  /** Work of one `session.run` per batch (profile/work/), for achieved GFLOP/s in reports; absent in older plans. */
  work: z.array(ModelWorkSchema).optional(),
  /**
   * The EP ran on a software GPU adapter, so the job is measured lighter (profile/software-adapter.ts);
   * decided when the plan is built. Absent in older plans: {@link readPlan} decides it from the plan's probes.
   */
  softwareAdapter: z.boolean().optional(),
});

/** Zod schema of `plan.json`. */
export const RunPlanSchema = z.object({
  /** 2 since paired measurement (1: plans of runs that kept rows in results.jsonl). */
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  runId: z.string(),
  startedAt: z.string(),
  /** The profile options that shaped the run (the profile options schema's recorded form; `--resume` applies them back). */
  settings: ProfileSettingsSchema,
  hardware: HardwareSchema,
  eps: z.array(EpStatusSchema),
  jobs: z.array(PlannedJobSchema),
});

/** `plan.json` as stored (older plans lack the jobs' `softwareAdapter`). */
export type StoredRunPlan = z.infer<typeof RunPlanSchema>;
/** One planned job as stored. */
export type StoredPlannedJob = z.infer<typeof PlannedJobSchema>;
/** One planned job, its software-adapter policy decided. */
export type PlannedJob = StoredPlannedJob & { softwareAdapter: boolean };
/** A run's plan, every job's `softwareAdapter` decided ({@link decideJobs}). */
export type RunPlan = Omit<StoredRunPlan, "jobs"> & { jobs: PlannedJob[] };

/** Whether jobs on `ep` run on a software adapter, by the plan's probes: the value a job records when it is planned. */
export function softwareAdapterOn(eps: StoredRunPlan["eps"], ep: string): boolean {
  return onSoftwareAdapter(eps.find((e) => e.name === ep));
}

/** The plan with every job's `softwareAdapter`: as recorded, or (plans made before it was recorded) decided by {@link softwareAdapterOn}. */
export function decideJobs(plan: StoredRunPlan): RunPlan {
  return { ...plan, jobs: plan.jobs.map((j) => ({ ...j, softwareAdapter: j.softwareAdapter ?? softwareAdapterOn(plan.eps, j.ep) })) };
}

/** The row key of a job's batch: `model|precision|ep|batch`. */
export function rowKey(job: Pick<PlannedJob, "model" | "precision" | "ep">, batch: number): string {
  return `${job.model}|${job.precision}|${job.ep}|${batch}`;
}

/** Writes `plan.json`. */
export async function writePlan(dir: string, plan: RunPlan): Promise<void> {
  await writeFile(join(dir, RUN_FILES.plan), JSON.stringify(plan, null, 2) + "\n");
}

/** Reads `plan.json` from a run dir given to `--resume`; the error says what to give instead. */
export async function readPlan(dir: string): Promise<RunPlan> {
  const path = join(dir, RUN_FILES.plan);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`Cannot resume "${dir}": ${path} is missing or unreadable (${(e as Error).message}). Give a run dir under <out>/runs/.`);
  }
  const parsed = RunPlanSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Cannot resume "${dir}": invalid ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return decideJobs(parsed.data);
}
