/** Public exports of the reports stage. */
export { writeReport, buildSections, runHeader, type WrittenReport } from "./write-report.ts";
export { compareRuns, latencyChanged, speedupAgreement, writeComparison, type RunComparison } from "./compare-runs.ts";
export {
  resolveReportOptions,
  REPORT_DEFAULTS,
  ReportOptionsSchema,
  type ReportOptions,
  type ResolvedReportOptions,
} from "../formats/options/report-options.ts";
export { loadReportData, type ReportData, type ModelRecords } from "./load-run.ts";
export {
  estimateMemory,
  inferenceBytes,
  layersFromSpecs,
  layersFromTfjs,
  layersFromOnnx,
  parseOutputShape,
  BYTES_PER_VALUE,
  TRAINING_STATE_FACTOR,
  type LayerSpec,
  type LayerEstimate,
  type MemoryEstimate,
} from "./memory-estimator.ts";
export { exerciseEstimate, EXERCISE_INPUT, EXERCISE_LAYERS, MEMORY_ASSUMPTIONS } from "./memory-tables.ts";
export { confusionMatrix, mostConfusedText, type ConfusionMatrix } from "./confusion-matrix.ts";
export { tableToCsv, tableToHtml, tableToJson, tableToMarkdown, type ReportTable, type Column, type Cell } from "./report-table.ts";
export { escapeHtml } from "./escape-html.ts";
export { renderResultsTable, type ResultsTableOptions } from "./terminal/results-table.ts";
export { scenarioLines } from "./terminal/scenario-lines.ts";
export { achieved, computeCeiling, deviceP50, isIntegerWork, loadRowWork, type Achieved } from "./achieved-work.ts";
export { boundNotes, rooflinePlots, roofLines } from "./roofline.ts";
export { ceilingsTable, modelWorkTable, workVsTimeTable } from "./work-tables.ts";
export { writeLabReport, machinesTable, labThroughputTable, type WrittenLabReport, type LabReportOptions } from "./lab-report.ts";
export { loadLab, findRunDirs, type LabData, type LabMachine } from "./lab-data.ts";
