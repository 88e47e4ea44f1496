/** Public exports of the profile stage. */
export { runProfile, probeInChild, type ProfileRun } from "./run-profile.ts";
export {
  resolveProfileOptions, parseBatchList, parsePrecisionList, parseShapes, parseProfileConfig, ProfileConfigSchema,
  DEFAULT_MEASURE, DEFAULT_ROUNDS, QUICK_MEASURE, DEFAULT_SUITE, PRECISIONS,
  type ProfileOptions, type ResolvedProfileOptions, type MeasureSettings, type Precision, type ProfileConfig,
} from "./profile-options.ts";
export type { EpRunner, EpProbe, EpFacts } from "./ep-runner.ts";
export { defaultEpRegistry, nodeEpRunners, selectEps, resolveEps, describeSkippedEps, type EpRegistry, type EpStatus } from "./ep-registry.ts";
export {
  readRunResults, RunResultsSchema, ComparisonSchema, RowSchema, OkRowSchema, SkippedRowSchema, ErroredRowSchema, RESULTS_SCHEMA_VERSION, RUN_FILES,
  type RunResults, type Comparison, type ResultRow, type OkRow, type Hardware, type Latency, type OpTime,
} from "./results-schema.ts";
export { browserEpRunners, browserWasmEp, browserWebgpuEp, epDisplayName } from "./browser/browser-eps.ts";
export { renderResultsTable, type ResultsTableOptions } from "./results-table.ts";
export { renderCompactTable } from "./results-compact-table.ts";
export { renderWideTable } from "./results-wide-table.ts";
export { noOkRowsMessage } from "./run-outcome.ts";
export { precisionSpeedup, formatSpeedup, formatRatio, speedupVerdict, type Speedup } from "./precision-speedup.ts";
export { warningText, type RowWarning } from "./row-warnings.ts";
export { collectHardware } from "./hardware.ts";
export { readModelFacts, countParams, type ModelFacts } from "./model-facts.ts";
export { summarizeLatency, percentile, medianCi95, latencySketch, pooledLatency, coefficientOfVariation } from "./statistics.ts";
export { roundFigures, measureForRound, readRounds, RoundRecordSchema, type RoundRecord } from "./row-rounds.ts";
export { measureLatency, fitToBudget } from "./measure-latency.ts";
export { parseOrtTrace } from "./op-profile.ts";
