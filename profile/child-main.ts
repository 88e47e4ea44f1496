/**
 * Entry point of an onnxruntime-node measuring child (forked by `run-child.ts`): receives
 * one job over IPC (`child-protocol.ts`), runs it, reports its messages, exits. Facts and
 * paired jobs run over the EP-session seam (`measuring-child.ts`); ceiling ladders and load
 * scenarios drive onnxruntime-node sessions of the same host themselves.
 *
 * The EP's runner is the built-in one of the job's EP name, or the default export of the
 * module named by `HARNESS_EP_MODULE` (`child-runtime.ts`).
 *
 * The child ignores SIGINT (Ctrl-C reaches the whole process group): the parent decides,
 * kills it and keeps what finished. It exits if the parent goes away.
 */
import { climbCeiling } from "./ceilings/ceiling-child.ts";
import { sendToParent } from "./child-runtime.ts";
import { nodeEpRunners } from "./ep-registry.ts";
import { serveMeasuringChild } from "./measuring-child.ts";
import { openNodeHost } from "./node-child-host.ts";
import { runScenarioJob } from "./scenario-child.ts";

serveMeasuringChild(nodeEpRunners, {
  async ceiling(job) {
    const host = await openNodeHost(job.ep);
    await climbCeiling(job, (path, extra) => host.createOrt(path, { timed: false }, extra), sendToParent);
  },
  scenario: runScenarioJob,
});
