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
 * Environment variable naming a module (a path or `file:` URL; TypeScript is fine, children
 * run under tsx) whose default export is the EP runner a measuring child uses instead of its
 * built-in runner of that name: an EP that lives outside the registry. A runner sets it in
 * its `childEnv()`, so its children (and their worker threads) load the same runner.
 */
export const EP_MODULE_ENV = "HARNESS_EP_MODULE";

/**
 * The runner of EP `ep` in a measuring child: the default export of the module named by
 * {@link EP_MODULE_ENV} when set, else the runner of that name in `builtIn`.
 */
export async function childRunner(ep: string, builtIn: readonly EpRunner[], env: NodeJS.ProcessEnv = process.env): Promise<EpRunner> {
  const module = env[EP_MODULE_ENV];
  if (!module) {
    const runner = builtIn.find((r) => r.name === ep);
    if (!runner) throw new Error(`Unknown EP "${ep}". Expected one of: ${builtIn.map((r) => r.name).join(", ")}`);
    return runner;
  }
  const url = /^file:/.test(module) ? module : pathToFileURL(module).href;
  let loaded: { default?: EpRunner };
  try {
    loaded = (await import(url)) as { default?: EpRunner };
  } catch (e) {
    throw new Error(
      `EP module ${module} (${EP_MODULE_ENV}) cannot be loaded: ${(e as Error).message.split("\n")[0]}. Point ${EP_MODULE_ENV} at a module whose default export is an EP runner, or unset it to use the built-in EPs`,
    );
  }
  const runner = loaded.default;
  if (runner?.name !== ep) {
    throw new Error(
      `EP module ${module} (${EP_MODULE_ENV}) must export as default the runner of "${ep}"; its default export is ${runner ? `"${runner.name}"` : "missing"}`,
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
