/** The contract of one `npm run bench` section (train, quant, overhead, browser). */
export interface BenchSection {
  /** Section name as typed after `npm run bench --`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /**
   * Runs the measurement and returns a JSON-serialisable result. Speed figures must be
   * ratios measured side by side in this one run, with the absolute numbers beside them.
   */
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

/** Options shared by every bench section. */
export interface BenchOptions {
  /** Artifacts root (models, runs); default `artifacts`. */
  readonly out: string;
  /** Shorter measurement for smoke tests. */
  readonly quick: boolean;
  /** EPs for sections that measure per EP (`ceilings`); default `cpu`. */
  readonly eps?: readonly string[];
  /** Timing rounds per row (the repeatability section); default the profiler's. */
  readonly rounds?: number;
}
