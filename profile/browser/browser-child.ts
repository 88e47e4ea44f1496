/**
 * Entry point of a browser EP's child process (forked by `run-child.ts` when a runner's
 * `childScript` names this file). Speaks the same child protocol as `child-main.ts` and
 * runs the same facts and paired passes (`measuring-child.ts`), over onnxruntime-web in
 * headless Chromium (`browser-ep-session.ts`), so a crashed or hung browser becomes an
 * errored row under the parent's child timeout.
 */
import { serveMeasuringChild } from "../measuring-child.ts";
import { browserEpRunners } from "./browser-eps.ts";

serveMeasuringChild(browserEpRunners);
