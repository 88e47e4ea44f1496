/** Energy per inference from the hardware's own counters (RAPL powercap, nvidia-smi); never estimated. */
export { counterDeltaUj, findPowercapZones, readEnergyUj, POWERCAP_ROOT, type PowercapZone, type Unavailable } from "./powercap.ts";
export { NVIDIA_SMI_ARGS, parseNvidiaSmi, queryNvidiaSmi, type GpuEnergy } from "./nvidia-smi.ts";
export { openEnergyMeter, meteredTimer, sumEnergy, type EnergyMark, type EnergyMeter, type EnergyMeterOptions } from "./energy-meter.ts";
export { EnergySchema, EnergyUnavailableSchema, type EnergyUnavailable, type RowEnergy } from "../../formats/run/energy-schema.ts";
