/** The machine's measured ceilings per EP (compute FP32/INT8, memory bandwidth), their cache, and the CPU's theoretical peak. */
export {
  CEILING_KINDS,
  ceilingModels,
  ceilingSizes,
  fp32MatMul,
  fp32Conv,
  int8QLinearMatMul,
  int8MatMulInteger,
  bandwidthModel,
  noInt8Reason,
  type CeilingKind,
  type CeilingModel,
} from "./ceiling-models.ts";
export {
  CeilingFileSchema,
  EpCeilingsSchema,
  ceilingCachePath,
  machineFingerprint,
  readCeilings,
  writeCeilings,
  type CeilingFigure,
  type EpCeilings,
} from "./ceiling-cache.ts";
export { measureCeilings, figureAt, type CeilingOptions } from "./measure-ceilings.ts";
export { cpuinfoClockGHz, procCpuinfoClock, simdBits, theoreticalPeak, type TheoreticalPeak } from "./theoretical-peak.ts";
export { AUTO_CEILING_EPS, ensureCeilings } from "./ensure-ceilings.ts";
export { GPU_SPECS, gpuDatasheet, type GpuDatasheet, type GpuSpec } from "./gpu-datasheet.ts";
export { ceilingKindsFor, ladderPlan, nextRung, bestStep, type LadderPlan, type LadderStep } from "./ceiling-ladder.ts";
