/**
 * Measurement shared by the stages that time models (profile/, and export/'s INT8 tuner):
 * order statistics, interleaved block measurement and paired speedup estimates, and the
 * seeded random numbers every stage draws samples with, and how a stage forks a tsx child.
 */
export {
  percentile,
  medianCi95,
  robustCv,
  summarizeLatency,
  latencySketch,
  pooledLatency,
  coefficientOfVariation,
  SKETCH_POINTS,
  type Latency,
  type LatencyRound,
} from "./statistics.ts";
export { cycleOrder } from "./paired-order.ts";
export {
  pairedSpeedup,
  unpairedSpeedup,
  cycleRatios,
  verdictOf,
  MIN_PAIRS,
  type BlockMedian,
  type SpeedupEstimate,
  type Verdict,
  type BootstrapOptions,
} from "./paired-estimate.ts";
export { measureInterleaved, functionTimer, type BlockTimer, type InterleaveSettings, type InterleavedResult } from "./interleave.ts";
export { seededRandom, shuffledIndices, type Random } from "./random.ts";
export { tsxExecArgv } from "./tsx-child.ts";
export {
  overLatencyOdds,
  minPassingQueries,
  earlyStoppingPercentile,
  earlyStoppingVerdict,
  EARLY_STOPPING_CONFIDENCE,
  type EarlyStoppingEstimate,
  type EarlyStoppingVerdict,
} from "./early-stopping.ts";
export { poissonArrivals } from "./poisson-arrivals.ts";
export { realClock, VirtualClock, type LoadClock } from "./load-clock.ts";
export { runOffline, runServer, type LoadTarget, type OfflineSettings, type OfflineResult, type ServerSettings, type ServerResult } from "./load-scenarios.ts";
export { sweepInFlight, sweepInFlightMany, saturationPoint, type InFlightPoint, type InFlightSweep, type InFlightSweepOptions } from "./in-flight-sweep.ts";
export { searchMaxRate, type MaxRate, type MaxRateOptions, type RateTrial } from "./max-rate-search.ts";
