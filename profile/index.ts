/** Public exports of the profile stage. */
export { runProfile, probeInChild, type ProfileRun } from "./run-profile.ts";
export {
  resolveProfileOptions,
  parseBatchList,
  parsePrecisionList,
  parseShapes,
  parseProfileConfig,
  ProfileConfigSchema,
  ProfileOptionsSchema,
  ProfileSettingsSchema,
  MeasureSettingsSchema,
  MeasureOverridesSchema,
  DEFAULT_MEASURE,
  DEFAULT_ROUNDS,
  QUICK_MEASURE,
  DEFAULT_SUITE,
  PRECISIONS,
  type ProfileOptions,
  type ResolvedProfileOptions,
  type MeasureSettings,
  type Precision,
  type ProfileConfig,
  type ProfileSettings,
} from "../formats/options/profile-options.ts";
export type { EpRunner, EpProbe, EpFacts } from "./ep-runner.ts";
export { webgpuProbeEnvs, WEBGPU_FIX } from "./eps/webgpu-ep.ts";
export { defaultEpRegistry, nodeEpRunners, selectEps, resolveEps, describeSkippedEps, type EpRegistry, type EpStatus } from "./ep-registry.ts";
export {
  readRunResults,
  upgradeResults,
  RunResultsSchema,
  RowSchema,
  OkRowSchema,
  SkippedRowSchema,
  ErroredRowSchema,
  ComparisonSchema,
  WarningSchema,
  RESULTS_SCHEMA_VERSION,
  RUN_FILES,
  WARNING_CODES,
  type RunResults,
  type ResultRow,
  type OkRow,
  type Hardware,
  type Latency,
  type OpTime,
  type Comparison,
  type Warning,
} from "../formats/run/results-schema.ts";
export { browserEpRunners, browserWasmEp, browserWebgpuEp, epDisplayName } from "./browser/browser-eps.ts";
export { BrowserSession, type BrowserSessionOptions } from "./browser/browser-session.ts";
export { buildFeeds } from "./input-tensors.ts";
export { evaluateAccuracy, type AccuracyResult } from "./accuracy.ts";
export { renderResultsTable, type ResultsTableOptions } from "./results-table.ts";
export { renderCompactTable } from "./results-compact-table.ts";
export { renderWideTable } from "./results-wide-table.ts";
export { noOkRowsMessage } from "./run-outcome.ts";
export { precisionSpeedup, formatSpeedup, formatRatio, speedupVerdict, type Speedup } from "./precision-speedup.ts";
export { fastestRung, ladderGroups, rungOf, scalingCurve, threadCheckSentences, threadsVerdict, wantedThreads } from "./thread-check.ts";
export { collectHardware, INTERESTING_FLAGS } from "./hardware.ts";
export {
  ortDefaultIntraOpThreads,
  readCpuTopology,
  resolvedIntraOpThreads,
  sysfsPhysicalCores,
  type CpuTopology,
  type OrtDefaultThreads,
} from "./cpu-topology.ts";
export { parseThreadVariant, threadLadder, threadVariant, type ThreadLadder } from "./intra-op-threads.ts";
export { readBackOrtDefaultThreads, withPoolReadBack } from "./ort-thread-readback.ts";
export { readModelFacts, countParams, realInputs, workPerBatch, type ModelFacts, type ModelFactsOptions } from "./model-facts.ts";
export { summarizeLatency, percentile, medianCi95, latencySketch, pooledLatency, coefficientOfVariation } from "../measure/index.ts";
export { roundFigures, measureForRound } from "./row-rounds.ts";
export { interleaveSettings } from "./measure-latency.ts";
export { buildRows, BASELINE_PRECISION, BASELINE_EP, type RowSources, type BuiltRows } from "./build-rows.ts";
export { RunStore } from "./run-store.ts";
export {
  readFacts,
  readTimings,
  predictionsPath,
  FactsRecordSchema,
  TimingRecordSchema,
  type FactsRecord,
  type TimingRecord,
} from "../formats/run/run-records.ts";
export { parseOrtTrace } from "./op-profile.ts";
export { modelWork, countNodeWork, inferShapes, opFamily, ModelWorkSchema, type ModelWork, type NodeWork, type OpFamily } from "./work/index.ts";
export {
  measureCeilings,
  ensureCeilings,
  readCeilings,
  writeCeilings,
  theoreticalPeak,
  procCpuinfoClock,
  fp32MatMul,
  gpuDatasheet,
  type EpCeilings,
  type TheoreticalPeak,
} from "./ceilings/index.ts";
export { timeRuns } from "./ceilings/ceiling-child.ts";
export { gpuSplitSentences } from "./gpu-split.ts";
export { openEnergyMeter, findPowercapZones, queryNvidiaSmi, EnergySchema, type RowEnergy, type EnergyMeter } from "./energy/index.ts";
