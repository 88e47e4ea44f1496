/**
 * The terminal view of a profile run: renders {@link ProfileEvent}s as `npm run profile`
 * prints them (the probe lines, a progress bar, or with `--no-progress` one line per child
 * and per record, the results table, the load scenarios' lines, and how to resume), and
 * turns Ctrl-C while children run into the run's abort signal.
 */
import cliProgress from "cli-progress";
import { runProfile, type ProfileEvent, type ProfileRun, type TaskOutcome } from "../profile/index.ts";
import { resolveProfileOptions, type ProfileOptions } from "../formats/options/profile-options.ts";
import { visibleControls } from "../formats/terminal-text.ts";

/** How {@link ProfileRenderer} prints. */
export interface ProfileRenderOptions {
  /** A progress bar (on stderr) instead of a line per child and per record. */
  readonly progress: boolean;
  /** Print the results table at the end. */
  readonly printTable: boolean;
  /** The end-of-run table: `compact` (fits 120 columns) or `wide`. */
  readonly table: "compact" | "wide";
  /** Writes one line; it shows control characters (the lines carry names from files). */
  readonly log: (line: string) => void;
}

/**
 * Renders one run's events. SIGINT is handled (aborting {@link signal}) from `plan-ready` to
 * `tasks-ended` only, so a Ctrl-C while the suite is prepared or probed ends the process as
 * before. Call {@link dispose} when the run ends, however it ends.
 */
export class ProfileRenderer {
  private readonly controller = new AbortController();
  private bar: cliProgress.SingleBar | undefined;
  private readonly onSigint = (): void => this.controller.abort();

  constructor(private readonly o: ProfileRenderOptions) {}

  /** Aborted by Ctrl-C while children run: pass it to `runProfile`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Pass it to `runProfile` as `onEvent`. */
  readonly onEvent = async (e: ProfileEvent): Promise<void> => {
    const log = this.o.log;
    switch (e.type) {
      case "resuming":
        return log(`resuming ${e.dir}`);
      case "probing":
        return log(`probing EPs: ${e.eps.join(", ")}`);
      case "ep-status":
        return log(e.status.state === "available" ? `  ${e.status.name}: available` : `  ${e.status.name}: skipped (${e.status.reason})`);
      case "input-warning":
        return log(`profile: ${e.model}: ${e.warning.text}`);
      case "plan-ready":
        this.bar = this.o.progress
          ? new cliProgress.SingleBar({ format: "profile [{bar}] {value}/{total} children | {job}", hideCursor: true }, cliProgress.Presets.shades_classic)
          : undefined;
        this.bar?.start(e.total, 0, { job: "" });
        process.on("SIGINT", this.onSigint);
        return;
      case "task-start":
        if (this.bar) this.bar.update({ job: visibleControls(e.label) });
        else log(`measuring ${e.label} at batch ${e.batches.join(",")}`);
        return;
      case "task-done":
        if (this.bar) this.bar.increment();
        else for (const line of outcomeLines(e.outcome)) log(`  ${line}`);
        return;
      case "tasks-ended":
        return this.dispose();
      case "failed":
        log(`\nThe profiler failed; ${e.rows} of ${e.plannedRows} rows are kept in ${e.dir}`);
        return log(`Resume with: npm run profile -- --resume ${e.dir}`);
      case "finished":
        return this.finished(e);
    }
  };

  private async finished(e: Extract<ProfileEvent, { type: "finished" }>): Promise<void> {
    const log = this.o.log;
    const scenarioRows = e.results.scenarios ?? [];
    // The terminal renderers are reports/'s (loaded only when something is printed).
    const reports = this.o.printTable || scenarioRows.length > 0 ? await import("../reports/index.ts") : undefined;
    if (reports && this.o.printTable) log("\n" + reports.renderResultsTable(e.results, { wide: this.o.table === "wide" }));
    const scenarios = reports ? reports.scenarioLines(scenarioRows) : [];
    if (scenarios.length > 0) log(["", `Load scenario (${e.scenario}):`, ...scenarios.map((l) => `  ${l}`)].join("\n"));
    if (e.stopped || !e.complete) {
      log(
        `\nStopped: ${e.results.rows.length} of ${e.plannedRows} rows finished (${e.children.pending} of ${e.children.total} children still to run) and kept in ${e.dir}`,
      );
      log(`Resume with: npm run profile -- --resume ${e.dir}`);
    } else {
      log(`\nRun dir: ${e.dir}`);
    }
  }

  /** Stops the bar and lets Ctrl-C end the process again (idempotent). */
  dispose(): void {
    process.off("SIGINT", this.onSigint);
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** One status line per record, for `--no-progress` logs. */
export function outcomeLines(outcome: TaskOutcome): string[] {
  if (outcome.kind === "scenario") {
    return outcome.records.map((r) => `${r.group}|${r.batch} ${r.scenario}: ${r.failure ? `${r.failure.state} (${r.failure.reason})` : "measured"}`);
  }
  if (outcome.kind === "facts") {
    return outcome.records.map(
      (r) =>
        `${r.key}: ${r.state === "measured" ? `first run ${r.firstRunMs.toPrecision(3)} ms, peak RSS ${r.peakRssMiB.toFixed(0)} MiB` : r.state === "skipped" ? `skipped (${r.reason})` : `errored (${r.error})`}`,
    );
  }
  return outcome.records.map(
    (r) =>
      `${r.group}|${r.batch} round ${r.round}: ${
        r.failure
          ? `failed (${r.failure.error})`
          : r.variants.map((v) => `${v.name} p50 ${v.latency.p50.toPrecision(3)} ms`).join(", ") + ` (${r.cycles} cycles)`
      }`,
  );
}

/** {@link runProfile}'s parameters after its options (the EP registry, and any added later), passed through. */
type RunProfileRest = Parameters<typeof runProfile> extends [unknown?, ...infer Rest] ? Rest : never;

/**
 * Runs the profile stage with its terminal view: {@link runProfile} driven by a
 * {@link ProfileRenderer} built from the same options (`progress`, `printTable`, `table`, `log`).
 * @param rest runProfile's other parameters (the EP registry: tests pass fakes).
 */
export async function runProfileInTerminal(input: ProfileOptions = {}, ...rest: RunProfileRest): Promise<ProfileRun> {
  const o = resolveProfileOptions(input);
  const renderer = new ProfileRenderer({ progress: o.progress, printTable: o.printTable, table: o.table, log: o.log });
  try {
    return await runProfile({ ...input, signal: renderer.signal, onEvent: renderer.onEvent }, ...rest);
  } finally {
    renderer.dispose();
  }
}
