/** The INT8 tuner: candidate node sets, the search, interleaved timing, the export.json record. */
export { attributeKernel, nodeTimes, profileKernels, slowerInInt8, type NodeTimes } from "./op-profile-hints.ts";
export { int8Candidates, kernelAliases, weightedNodes, ALL_NODES, FEW_CHANNELS, type Int8Candidate } from "./candidate-sets.ts";
export { searchInt8, type MeasuredCandidate, type SearchInputs, type SearchResult } from "./search.ts";
export { interleavedSpeedups, FP32_VARIANT } from "./interleaved-speedups.ts";
export { tuneInt8, tuneInterleaveSettings, type TuneData, type TuneSettings } from "./tune-int8.ts";
export { TuningRecordSchema, TunedCandidateSchema, type TuningRecord } from "../../formats/tuning-record.ts";
