/**
 * A measuring child over the EP-session seam (`ep-session.ts`): resolves the job's runner,
 * opens its host, runs the facts or paired pass (`facts-pass.ts`, `paired-pass.ts`) and
 * closes the host. The onnxruntime-node child (`child-main.ts`) and the browser child
 * (`browser/browser-child.ts`) are this, with their own runners and extra job kinds.
 */
import type { ChildHandlers } from "./child-runtime.ts";
import { childRunner, sendToParent, serveChildJob } from "./child-runtime.ts";
import { EpCannotStart, type EpSessionHost, type HostRequest } from "./ep-session.ts";
import type { EpRunner } from "./ep-runner.ts";
import { runFactsPass } from "./facts-pass.ts";
import { runPairedPass } from "./paired-pass.ts";

/**
 * Opens `ep`'s host for `request` and runs `pass` on it, closing it after. A host that
 * cannot open sends `cannot-start` (the EP cannot start here) or one `batch-error` per
 * batch (anything else, e.g. a measuring page that does not load).
 */
export async function withHost(
  runner: EpRunner,
  request: HostRequest,
  batches: readonly number[],
  pass: (host: EpSessionHost) => Promise<void>,
): Promise<void> {
  let host: EpSessionHost;
  try {
    host = await runner.openHost(request);
  } catch (e) {
    if (e instanceof EpCannotStart) await sendToParent({ type: "cannot-start", reason: e.reason, fix: e.fix });
    else for (const batch of batches) await sendToParent({ type: "batch-error", batch, message: (e as Error).message });
    return;
  }
  try {
    await pass(host);
  } finally {
    await host.close();
  }
}

/** Serves one job in a measuring child whose built-in EPs are `runners`; `more` adds the job kinds only some children run. */
export function serveMeasuringChild(runners: readonly EpRunner[], more: Pick<ChildHandlers, "ceiling" | "scenario"> = {}): void {
  serveChildJob({
    probe: async (job) => (await childRunner(job.ep, runners)).probe(),
    facts: async (job) =>
      withHost(
        await childRunner(job.ep, runners),
        { models: [job.onnxPath] },
        job.batches.map((b) => b.batch),
        (host) => runFactsPass(job, host, sendToParent),
      ),
    paired: async (job) =>
      withHost(
        await childRunner(job.ep, runners),
        { models: job.variants.map((v) => v.onnxPath), ...(job.ortDefault ? { ortDefault: job.ortDefault } : {}) },
        job.batches,
        (host) => runPairedPass(job, host, sendToParent),
      ),
    ...more,
  });
}
