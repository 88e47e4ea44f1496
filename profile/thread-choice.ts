/**
 * Which intra-op setting a row is (pure): the headline rows of the CPU EP are the fastest
 * setting of the thread ladder timed in the paired window (ORT's default or one of its rungs),
 * with ORT's default beside it in the `threads` comparisons. A row measured without the
 * ladder is ORT's default.
 */
import type { TimingRecord } from "../formats/run/run-records.ts";
import type { RowThreads } from "../formats/run/results-schema.ts";
import { parseThreadVariant } from "../formats/run/thread-variant.ts";

/** The variant names of `precision` among `names`: itself (ORT's default) first, then its ladder rungs by thread count. */
export function ladderVariants(precision: string, names: Iterable<string>): string[] {
  const rungs = [...new Set(names)]
    .map((n) => ({ n, v: parseThreadVariant(n) }))
    .filter((x) => x.v?.precision === precision)
    .sort((a, b) => a.v!.threads - b.v!.threads)
    .map((x) => x.n);
  return [precision, ...rungs];
}

/**
 * The fastest variant of `precision` over the measured rounds `records`: the lowest mean of
 * round medians among its ladder variants measured in every round that measured the default;
 * the default on a tie or when nothing else was measured.
 */
export function fastestThreadVariant(records: readonly TimingRecord[], precision: string): string {
  const rounds = records.filter((r) => !r.failure && r.variants.some((v) => v.name === precision));
  if (rounds.length === 0) return precision;
  const p50 = (r: TimingRecord, name: string) => r.variants.find((v) => v.name === name)?.latency.p50;
  let best = precision;
  let bestMs = Infinity;
  for (const name of ladderVariants(
    precision,
    rounds.flatMap((r) => r.variants.map((v) => v.name)),
  )) {
    const ms = rounds.map((r) => p50(r, name));
    if (ms.some((x) => x === undefined)) continue;
    const mean = (ms as number[]).reduce((a, b) => a + b, 0) / ms.length;
    if (mean < bestMs) [best, bestMs] = [name, mean];
  }
  return best;
}

/** The chosen variant's thread facts with ORT's default and the ladder's pool sizes beside them (what the row records). */
export function chosenThreads(record: TimingRecord, precision: string, chosen: string): RowThreads | undefined {
  const threads = record.variants.find((v) => v.name === chosen)?.threads;
  if (!threads) return undefined;
  const ortDefault = record.variants.find((v) => v.name === precision)?.threads?.used;
  const names = ladderVariants(
    precision,
    record.variants.map((v) => v.name),
  );
  const ladder = names.map((n) => record.variants.find((v) => v.name === n)?.threads?.used).filter((n): n is number => n !== undefined);
  return {
    ...threads,
    ...(ortDefault !== undefined ? { ortDefault } : {}),
    ...(names.length > 1 ? { ladder: [...new Set(ladder)].sort((a, b) => a - b) } : {}),
  };
}
