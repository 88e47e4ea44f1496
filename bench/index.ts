/** The bench sections, in the order `npm run bench` runs them. */
import type { BenchSection } from "./bench-section.ts";
import { quantBench } from "./quant.ts";

export const benchSections: readonly BenchSection[] = [quantBench];
