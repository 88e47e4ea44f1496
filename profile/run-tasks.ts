/**
 * What is still to do in a run (pure, tested without children). The order: for each
 * round, for each model × EP in plan order, first (round 1 only) a facts child per model
 * file still without facts, then the paired timing child of that model × EP. A paired
 * child times the precisions whose facts were measured (a file that crashed alone is left
 * out, so it cannot take the others down) at the batches still without this round. With a
 * load scenario (`--scenario offline|server`), after every round, a scenario child per
 * model × EP for the batches still without its record.
 */
import { groupKey, timingKey, type FactsRecord, type TimingRecord } from "../formats/run/run-records.ts";
import { rowKey, type PlannedJob, type RunPlan } from "../formats/run/run-plan.ts";
import { roundsOn } from "./software-adapter.ts";
import { scenarioKey, type LoadScenario, type ScenarioRecord } from "../formats/run/scenario-schema.ts";

/** One child to run. */
export type RunTask =
  | { readonly kind: "facts"; readonly job: PlannedJob; readonly batches: readonly number[] }
  | { readonly kind: "timing"; readonly group: string; readonly round: number; readonly jobs: readonly PlannedJob[]; readonly batches: readonly number[] }
  | {
      readonly kind: "scenario";
      readonly group: string;
      readonly scenario: LoadScenario;
      readonly jobs: readonly PlannedJob[];
      readonly batches: readonly number[];
    };

/** The model × EP groups of a plan in plan order, each with its jobs (one per precision). */
export function planGroups(plan: RunPlan): { group: string; jobs: PlannedJob[] }[] {
  const groups = new Map<string, PlannedJob[]>();
  for (const job of plan.jobs) groups.set(groupKey(job), [...(groups.get(groupKey(job)) ?? []), job]);
  return [...groups].map(([group, jobs]) => ({ group, jobs }));
}

/** True when a job runs at all here (its file loaded and its EP is available). */
function runnable(plan: RunPlan, job: PlannedJob): boolean {
  return !job.loadError && !job.skip && plan.eps.find((e) => e.name === job.ep)?.state !== "skipped";
}

/** The tasks still to do, in order, given what is recorded. */
export function pendingTasks(
  plan: RunPlan,
  facts: ReadonlyMap<string, FactsRecord>,
  timings: ReadonlyMap<string, TimingRecord>,
  rounds: number,
  scenarios: ReadonlyMap<string, ScenarioRecord> = new Map(),
): RunTask[] {
  const tasks: RunTask[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const { group, jobs } of planGroups(plan)) {
      // A software adapter's rows get one round (software-adapter.ts).
      if (round > roundsOn(jobs[0]!, rounds)) continue;
      const live = jobs.filter((j) => runnable(plan, j));
      if (round === 1) {
        for (const job of live) {
          const batches = job.batches.filter((b) => !facts.has(rowKey(job, b)));
          if (batches.length > 0) tasks.push({ kind: "facts", job, batches });
        }
      }
      // Facts still to come count as measured: the task list is re-read after each child.
      const measured = (j: PlannedJob, b: number) => {
        const f = facts.get(rowKey(j, b));
        return f === undefined || f.state === "measured";
      };
      const batches = [...new Set(live.flatMap((j) => j.batches))].filter(
        (b) => !timings.has(timingKey({ group, batch: b, round })) && live.some((j) => j.batches.includes(b) && measured(j, b)),
      );
      const timed = live.filter((j) => batches.some((b) => j.batches.includes(b) && measured(j, b)));
      if (batches.length > 0 && timed.length > 0) tasks.push({ kind: "timing", group, round, jobs: timed, batches });
    }
  }
  const scenario = plan.settings.scenario;
  if (scenario === "offline" || scenario === "server") {
    for (const { group, jobs } of planGroups(plan)) {
      const measured = (j: PlannedJob, b: number) => facts.get(rowKey(j, b))?.state === "measured";
      const live = jobs.filter((j) => runnable(plan, j));
      const batches = [...new Set(live.flatMap((j) => j.batches))].filter(
        (b) => !scenarios.has(scenarioKey({ group, batch: b, scenario })) && live.some((j) => j.batches.includes(b) && measured(j, b)),
      );
      const timed = live.filter((j) => batches.some((b) => j.batches.includes(b) && measured(j, b)));
      if (batches.length > 0 && timed.length > 0) tasks.push({ kind: "scenario", group, scenario, jobs: timed, batches });
    }
  }
  return tasks;
}
