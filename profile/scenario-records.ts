/**
 * Load scenarios, pure: what a scenario child said → `scenarios.jsonl` records; the records →
 * the `scenarios` rows of `results.json` (their terminal lines: reports/terminal/scenario-lines.ts).
 */
import type { ChildMessage } from "./child-protocol.ts";
import { describeExit } from "./child-records.ts";
import type { ChildExit } from "./run-child.ts";
import type { RunPlan } from "../formats/run/run-plan.ts";
import { groupKey } from "../formats/run/run-records.ts";
import { scenarioKey, type LoadScenario, type ScenarioRecord, type ScenarioRow, type ScenarioSettings } from "../formats/run/scenario-schema.ts";

/** The records of one scenario child: one per batch it was given (none when the run was stopped). */
export function scenarioRecords(
  head: {
    readonly group: string;
    readonly scenario: LoadScenario;
    readonly finishedAt: string;
    readonly settings: ScenarioSettings;
    readonly loadAverage1m?: number;
  },
  batches: readonly number[],
  messages: readonly ChildMessage[],
  exit: ChildExit,
  timeoutMs: number,
): ScenarioRecord[] {
  if (exit.stopped) return [];
  const base = (batch: number) => ({
    group: head.group,
    batch,
    scenario: head.scenario,
    finishedAt: head.finishedAt,
    ...(head.loadAverage1m !== undefined ? { loadAverage1m: head.loadAverage1m } : {}),
    settings: head.settings,
  });
  const out = new Map<number, ScenarioRecord>();
  let cannotStart: string | undefined;
  for (const m of messages) {
    if (m.type === "scenario-batch") out.set(m.batch, { ...base(m.batch), result: m.result });
    else if (m.type === "batch-error") out.set(m.batch, { ...base(m.batch), failure: { state: "errored", reason: m.message } });
    else if (m.type === "cannot-start") cannotStart = `${m.reason} (${m.fix})`;
  }
  return batches.map(
    (b) =>
      out.get(b) ??
      (cannotStart
        ? { ...base(b), failure: { state: "skipped" as const, reason: cannotStart } }
        : {
            ...base(b),
            failure: { state: "errored" as const, reason: exit.completed ? "child finished without measuring this batch" : describeExit(exit, timeoutMs) },
          }),
  );
}

/** A variant's figures without its name (the row names its precision). */
function withoutName<T extends { name: string }>(v: T): Omit<T, "name"> {
  const out: Partial<T> = { ...v };
  delete out.name;
  return out as Omit<T, "name">;
}

/** Every scenario row the records give, in plan order (jobs, then batches; offline: requests before sessions). */
export function buildScenarioRows(plan: RunPlan, records: ReadonlyMap<string, ScenarioRecord>): ScenarioRow[] {
  const scenario = plan.settings.scenario;
  if (scenario !== "offline" && scenario !== "server") return [];
  const rows: ScenarioRow[] = [];
  const modes = ["requests", "sessions"] as const;
  for (const job of plan.jobs) {
    for (const batch of job.batches) {
      const r = records.get(scenarioKey({ group: groupKey(job), batch, scenario }));
      if (!r) continue;
      const head = {
        model: job.model,
        precision: job.precision,
        ep: job.ep,
        batch,
        finishedAt: r.finishedAt,
        ...(r.loadAverage1m !== undefined ? { loadAverage1m: r.loadAverage1m } : {}),
      };
      const key = `${job.model}|${job.precision}|${job.ep}|${batch}|${scenario}`;
      const failedHere = r.result?.errors.find((e) => e.name === job.precision && !("mode" in e && e.mode));
      if (r.failure || failedHere) {
        rows.push({ ...head, key, state: r.failure?.state ?? "errored", scenario, reason: r.failure?.reason ?? failedHere!.error });
        continue;
      }
      if (r.result?.scenario === "offline") {
        for (const mode of modes) {
          const v = r.result.variants.find((x) => x.name === job.precision && x.mode === mode);
          const modeError = r.result.errors.find((e) => e.name === job.precision && e.mode === mode);
          if (v) rows.push({ ...head, key: `${key}|${mode}`, state: "ok", scenario: "offline", ...withoutName(v) });
          else if (modeError) rows.push({ ...head, key: `${key}|${mode}`, state: "errored", scenario, reason: `${mode}: ${modeError.error}` });
        }
      } else if (r.result?.scenario === "server") {
        const v = r.result.variants.find((x) => x.name === job.precision);
        if (!v) continue;
        rows.push({
          ...head,
          key,
          state: "ok",
          scenario: "server",
          ...withoutName(v),
          percentile: r.settings?.percentile ?? 0.99,
          confidence: r.settings?.confidence ?? 0.95,
        });
      }
    }
  }
  return rows;
}
