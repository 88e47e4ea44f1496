/**
 * Measuring the machine's ceilings per EP (compute FP32/INT8, memory bandwidth) and the CPU's
 * theoretical peak; their cache and the run's record are files of formats/run/.
 */
export {
  ceilingModels,
  ceilingSizes,
  fp32MatMul,
  fp32Conv,
  int8QLinearMatMul,
  int8MatMulInteger,
  bandwidthModel,
  noInt8Reason,
  type CeilingModel,
} from "./ceiling-models.ts";
export { measureCeilings, figureAt, type CeilingOptions } from "./measure-ceilings.ts";
export { cpuinfoClockGHz, procCpuinfoClock, simdBits, theoreticalPeak, type TheoreticalPeak } from "./theoretical-peak.ts";
export { AUTO_CEILING_EPS, ensureCeilings } from "./ensure-ceilings.ts";
export { recordRunCeilings } from "./run-ceilings.ts";
export { GPU_SPECS, gpuDatasheet, type GpuDatasheet, type GpuSpec } from "./gpu-datasheet.ts";
export { ceilingKindsFor, ladderPlan, nextRung, bestStep, type LadderPlan, type LadderStep } from "./ceiling-ladder.ts";
