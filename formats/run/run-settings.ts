/**
 * The settings a run records (plan.json's `settings`, copied into results.json) and how
 * `--resume` applies them back, declared once in {@link RECORDED_SETTINGS}: the record
 * ({@link recordSettings}), its schema ({@link ProfileSettingsSchema}) and the options of a
 * resumed run ({@link resumeOptions}) are computed from it.
 */
import { z } from "zod";
import { MeasureSettingsSchema, ProfileOptionsSchema, type ResolvedProfileOptions } from "../options/profile-options.ts";
import { optionalFields } from "../options/option-schema.ts";

/**
 * How `--resume` applies a recorded setting back over the options given now:
 * - `record`: not applied (the plan's jobs carry its effect: models, EPs, batches, precisions);
 * - `plan`: the plan's value, else `absent` (a plan made before the setting existed), whatever is given now;
 * - `plan-or-now`: the plan's value, else the option given now;
 * - `now-or-plan`: the option given now (typed: `--no-report`), else the plan's, else `absent`;
 * - `merge`: the option given now with the plan's keys over it (`measure`).
 */
export type ResumeRule = "record" | "plan" | "plan-or-now" | "now-or-plan" | "merge";

/** One recorded setting: how it resumes; `absent` (also recorded when unset); `nullable`: recorded as null when unset. */
export interface RecordedSetting<T> {
  readonly resume: ResumeRule;
  readonly absent?: Exclude<T, undefined>;
  readonly nullable?: true;
}

/** The recorded settings, in the order plan.json writes them. */
export const RECORDED_SETTINGS = {
  models: { resume: "record" },
  dataset: { resume: "record" },
  onnx: { resume: "record" },
  eps: { resume: "record" },
  batches: { resume: "record" },
  gpuBatches: { resume: "record" },
  precisions: { resume: "record" },
  quick: { resume: "record" },
  shapes: { resume: "plan-or-now" },
  accuracyLimit: { resume: "plan", nullable: true },
  dataDir: { resume: "plan", nullable: true },
  measure: { resume: "merge" },
  childTimeoutMs: { resume: "plan-or-now" },
  cvThreshold: { resume: "plan-or-now" },
  // Runs planned before rounds existed were measured once.
  rounds: { resume: "plan", absent: 1 },
  // Runs planned before the thread check existed had no one-thread variants.
  threadCheck: { resume: "plan", absent: false },
  // --no-report typed now wins; else the run's own choice.
  report: { resume: "now-or-plan", absent: true },
  // Runs planned before load scenarios measured single-stream rows alone.
  scenario: { resume: "plan", absent: "single-stream" },
  latencyBoundMs: { resume: "plan" },
} as const satisfies { readonly [K in keyof ResolvedProfileOptions]?: RecordedSetting<ResolvedProfileOptions[K]> };

/** A recorded setting's name. */
export type RecordedKey = keyof typeof RECORDED_SETTINGS;

/** The settings stored in another form than the option: unset as null, and `measure` with every key optional and unknown keys kept. */
const STORED_AS = {
  accuracyLimit: z.number().int().nullable(),
  dataDir: z.string().nullable(),
  measure: z.object(optionalFields(MeasureSettingsSchema.shape)).loose(),
};

/** The recorded settings stored as the profile options schema declares them. */
type AsOptionKey = Exclude<RecordedKey, keyof typeof STORED_AS>;
const AS_OPTION = Object.fromEntries(Object.keys(RECORDED_SETTINGS).flatMap((k) => (k in STORED_AS ? [] : [[k, true]]))) as { [K in AsOptionKey]: true };

/**
 * Zod schema of the recorded settings ({@link RECORDED_SETTINGS}: the options that shape a
 * run's rows, `accuracyLimit` / `dataDir` as null when unset). Every key is optional and
 * unknown keys are kept, so the plans and results of older runs load.
 */
export const ProfileSettingsSchema = z
  .object({
    ...optionalFields(ProfileOptionsSchema.pick(AS_OPTION).shape),
    ...optionalFields(STORED_AS),
  })
  .loose();

/** Recorded settings of a run. */
export type ProfileSettings = z.output<typeof ProfileSettingsSchema>;

const ENTRIES = Object.entries(RECORDED_SETTINGS) as [RecordedKey, RecordedSetting<unknown>][];

/**
 * The record of a new run: each of {@link RECORDED_SETTINGS} from `o`, in their order; an
 * unset one as null (`nullable`), as its `absent` value, or left out.
 * @param o the resolved options, with `models` and `eps` as the run has them (no models with `--onnx`; the EPs selected).
 */
export function recordSettings(o: Pick<ResolvedProfileOptions, RecordedKey>): ProfileSettings {
  const out: Record<string, unknown> = {};
  for (const [key, rule] of ENTRIES) {
    const value = o[key] ?? (rule.nullable ? null : rule.absent);
    if (value !== undefined) out[key] = value;
  }
  return out as ProfileSettings;
}

/** The options of a resumed run: `o` (the options given now) with each recorded setting applied back by its {@link ResumeRule}. */
export function resumeOptions(s: ProfileSettings, o: ResolvedProfileOptions): ResolvedProfileOptions {
  const stored = s as Record<string, unknown>;
  const now = o as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = { ...o };
  for (const [key, rule] of ENTRIES) {
    const plan = stored[key] ?? undefined;
    if (rule.resume === "plan") out[key] = plan ?? rule.absent;
    else if (rule.resume === "plan-or-now") out[key] = plan ?? now[key];
    else if (rule.resume === "now-or-plan") out[key] = now[key] ?? plan ?? rule.absent;
    else if (rule.resume === "merge") out[key] = { ...(now[key] as object), ...(plan as object | undefined) };
  }
  return out as ResolvedProfileOptions;
}
