/** The bench sections, in the order `npm run bench` runs them. */
import type { BenchSection } from "./bench-section.ts";

export type { BenchOptions, BenchSection } from "./bench-section.ts";
import { browserBench } from "./browser.ts";
import { ceilingsBench } from "./ceilings.ts";
import { overheadBench } from "./overhead.ts";
import { quantBench } from "./quant.ts";
import { repeatabilityBench } from "./repeatability.ts";
import { varianceBench } from "./process-variance.ts";
import { threadsBench } from "./threads.ts";
import { trainBench } from "./train.ts";
import { zooBench } from "./zoo.ts";

export const benchSections: readonly BenchSection[] = [
  trainBench,
  quantBench,
  overheadBench,
  zooBench,
  browserBench,
  varianceBench,
  repeatabilityBench,
  ceilingsBench,
  threadsBench,
];
