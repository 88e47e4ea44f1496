/**
 * The plumbing every measuring child shares (the onnxruntime-node child and the browser
 * child): sending protocol messages to the parent, and serving the one job it is sent.
 */
import { pathToFileURL } from "node:url";
import type { EpProbe, EpRunner } from "./ep-runner.ts";
import type { CeilingJob, ChildJob, ChildMessage, FactsJob, PairedJob, ProbeJob, ScenarioJob } from "./child-protocol.ts";

/** Sends one message to the parent (stdout as JSON lines when not forked, for debugging). */
export function sendToParent(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(JSON.stringify(message) + "\n");
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

/**
 * The runner of `job`'s EP: the default export of the job's `childModule` when it names
 * one (`EpRunner.childModule`), else the runner of that name in `builtIn`.
 */
export async function childRunner(job: { readonly ep: string; readonly childModule?: string }, builtIn: readonly EpRunner[]): Promise<EpRunner> {
  if (!job.childModule) {
    const runner = builtIn.find((r) => r.name === job.ep);
    if (!runner) throw new Error(`Unknown EP "${job.ep}". Expected one of: ${builtIn.map((r) => r.name).join(", ")}`);
    return runner;
  }
  const url = /^file:/.test(job.childModule) ? job.childModule : pathToFileURL(job.childModule).href;
  const runner = ((await import(url)) as { default?: EpRunner }).default;
  if (runner?.name !== job.ep) {
    throw new Error(
      `EP module ${job.childModule} must export as default the runner of "${job.ep}"; its default export is ${runner ? `"${runner.name}"` : "missing"}`,
    );
  }
  return runner;
}

/** What a child does with each kind of job. */
export interface ChildHandlers {
  probe(job: ProbeJob): Promise<EpProbe>;
  facts(job: FactsJob): Promise<void>;
  paired(job: PairedJob): Promise<void>;
  /** Absent in children that cannot climb a ceiling ladder (the browser child): the job then fails naming it. */
  ceiling?(job: CeilingJob): Promise<void>;
  /** Load scenarios; a child without it (the browser child) refuses scenario jobs. */
  scenario?(job: ScenarioJob): Promise<void>;
}

/**
 * Waits for the parent's one job, runs it, sends `done` and exits 0 (1 with the stack on
 * stderr when it throws). Ignores SIGINT (the parent decides what Ctrl-C stops) and exits
 * when the parent goes away.
 */
export function serveChildJob(handlers: ChildHandlers): void {
  const run = async (job: ChildJob) => {
    if (job.kind === "probe") await sendToParent({ type: "probe", result: await handlers.probe(job) });
    else if (job.kind === "facts") await handlers.facts(job);
    else if (job.kind === "ceiling") {
      if (!handlers.ceiling) throw new Error(`this measuring child cannot run ceiling ladders (EP ${job.ep})`);
      await handlers.ceiling(job);
    } else if (job.kind === "scenario") {
      if (!handlers.scenario)
        throw new Error(`This child cannot run load scenarios (EP "${job.ep}"); they run on the onnxruntime-node EPs (cpu, cuda, webgpu)`);
      await handlers.scenario(job);
    } else await handlers.paired(job);
    await sendToParent({ type: "done" });
  };
  process.on("SIGINT", () => undefined);
  process.on("disconnect", () => process.exit(1));
  process.once("message", (job: ChildJob) => {
    run(job).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
        process.exit(1);
      },
    );
  });
}
