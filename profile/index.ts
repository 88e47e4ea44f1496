/**
 * Public exports of the profile stage. The run files it writes (results.json, the records,
 * plan.json, ceilings.json) and its options are formats/: import those from formats/run/ and
 * formats/options/ directly.
 */
export { runProfile, type ProfileRun } from "./run-profile.ts";
export type { SuiteFile, SuitePreparer } from "./suite-file.ts";
export type { ProfileEvent, ProfileEngineOptions } from "./profile-events.ts";
export type { TaskOutcome } from "./run-task.ts";
export type { EpRunner, EpProbe, EpFacts } from "./ep-runner.ts";
export { webgpuProbeEnvs, WEBGPU_FIX } from "./eps/webgpu-ep.ts";
export { defaultEpRegistry, selectEps, resolveEps, type EpRegistry, type EpStatus } from "./ep-registry.ts";
export { BrowserSession, type BrowserSessionOptions } from "./browser/browser-session.ts";
export { buildFeeds } from "./input-tensors.ts";
export { evaluateAccuracy, type AccuracyResult } from "./accuracy.ts";
export { noOkRowsMessage } from "./run-outcome.ts";
export { collectHardware, INTERESTING_FLAGS } from "./hardware.ts";
export { ortDefaultIntraOpThreads, readCpuTopology, type CpuTopology, type OrtDefaultThreads } from "./cpu-topology.ts";
export { threadLadder, type ThreadLadder } from "./intra-op-threads.ts";
export { readBackOrtDefaultThreads, withPoolReadBack } from "./ort-thread-readback.ts";
export { readModelFacts, countParams, realInputs, workPerBatch, type ModelFacts, type ModelFactsOptions } from "./model-facts.ts";
export { interleaveSettings } from "./measure-latency.ts";
export { RunStore } from "./run-store.ts";
export { modelWork, opFamily, type OpFamily } from "./work/index.ts";
export { measureCeilings, recordRunCeilings, theoreticalPeak, procCpuinfoClock, fp32MatMul, gpuDatasheet, type TheoreticalPeak } from "./ceilings/index.ts";
export { timeRuns } from "./ceilings/ceiling-child.ts";
