/**
 * What a profile run tells whoever drives it: {@link runProfile} measures and emits these
 * events in order; it prints nothing and installs no signal handler. A renderer (the CLI's
 * `cli/profile-renderer.ts`: progress bar, status lines, the results table) turns them into
 * terminal output and stops the run through {@link ProfileEngineOptions.signal}.
 *
 * Order: `resuming` (a resumed run) or `probing` then one `ep-status` per EP; `input-warning`s
 * while the plan is built; `plan-ready`; per child `task-start` then `task-done` (none for a
 * child stopped by the signal); `tasks-ended`; then `finished`, or `failed` before the run
 * throws the failure.
 */
import type { RunResults, Warning } from "../formats/run/results-schema.ts";
import type { Scenario } from "../formats/run/scenario-schema.ts";
import type { EpStatus } from "./ep-registry.ts";
import type { TaskOutcome } from "./run-task.ts";

/** One event of a profile run (discriminated by `type`). */
export type ProfileEvent =
  /** `--resume`: the run dir being completed. */
  | { readonly type: "resuming"; readonly dir: string }
  /** A new run: the EPs about to be probed, by name. */
  | { readonly type: "probing"; readonly eps: readonly string[] }
  /** One EP's probe outcome (after every probe finished, in the order asked). */
  | { readonly type: "ep-status"; readonly status: EpStatus }
  /** What the plan chose for a model's inputs (or its file), said once per model and text; `model` is undefined for a file that could not be read. */
  | { readonly type: "input-warning"; readonly model: string | undefined; readonly warning: Warning }
  /** The run dir is ready; `total` children are still to run. */
  | { readonly type: "plan-ready"; readonly dir: string; readonly total: number }
  /** A child starts: `label` names it (`facts m fp32 cpu`, `round 2/3 m fp32+int8 cpu`, `offline m fp32 cpu`), at `batches`. */
  | { readonly type: "task-start"; readonly label: string; readonly batches: readonly number[] }
  /** A child finished and its records are written. */
  | { readonly type: "task-done"; readonly outcome: TaskOutcome }
  /** No child runs any more (the last finished, the signal stopped one, or one failed); the results are being written. */
  | { readonly type: "tasks-ended" }
  /** The results are written. */
  | {
      readonly type: "finished";
      readonly dir: string;
      readonly results: RunResults;
      /** Every planned row and round is recorded. */
      readonly complete: boolean;
      /** The signal stopped the run before every child ran. */
      readonly stopped: boolean;
      /** Children planned when measuring started (`plan-ready`'s total), and those still to run. */
      readonly children: { readonly total: number; readonly pending: number };
      /** Rows the plan holds (every job's batches). */
      readonly plannedRows: number;
      /** The run's load scenario (plan.json's settings). */
      readonly scenario: Scenario | undefined;
    }
  /** A child's task threw: what finished is written (`rows` of `plannedRows`), and {@link runProfile} throws `error` next. */
  | { readonly type: "failed"; readonly dir: string; readonly rows: number; readonly plannedRows: number; readonly error: unknown };

/** How {@link runProfile} is driven, besides its options. */
export interface ProfileEngineOptions {
  /** Aborting it stops the child running now (nothing of it is recorded) and starts no other; the run ends `stopped`. */
  readonly signal?: AbortSignal;
  /** Receives every event; a returned promise is awaited before the run goes on. */
  readonly onEvent?: (event: ProfileEvent) => void | Promise<void>;
}
