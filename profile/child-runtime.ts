/**
 * The plumbing every measuring child shares (the onnxruntime-node child and the browser
 * child): sending protocol messages to the parent, and serving the one job it is sent.
 */
import type { EpProbe } from "./ep-runner.ts";
import type { ChildJob, ChildMessage, FactsJob, PairedJob } from "./child-protocol.ts";

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

/** What a child does with each kind of job. */
export interface ChildHandlers {
  probe(ep: string): Promise<EpProbe>;
  facts(job: FactsJob): Promise<void>;
  paired(job: PairedJob): Promise<void>;
}

/**
 * Waits for the parent's one job, runs it, sends `done` and exits 0 (1 with the stack on
 * stderr when it throws). Ignores SIGINT (the parent decides what Ctrl-C stops) and exits
 * when the parent goes away.
 */
export function serveChildJob(handlers: ChildHandlers): void {
  const run = async (job: ChildJob) => {
    if (job.kind === "probe") await sendToParent({ type: "probe", result: await handlers.probe(job.ep) });
    else if (job.kind === "facts") await handlers.facts(job);
    else await handlers.paired(job);
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
