/**
 * The names of a thread ladder's variants in a run's records and comparisons: a precision
 * timed at N intra-op threads is the variant `<precision>@<N>t` (`int8@2t`).
 */

/** The name of a precision's variant at `threads` intra-op threads in a paired child's records: `int8@2t`. */
export function threadVariant(precision: string, threads: number): string {
  return `${precision}@${threads}t`;
}

/** The name of a precision's one-thread variant (`int8@1t`). */
export function oneThreadVariant(precision: string): string {
  return threadVariant(precision, 1);
}

/** The precision and thread count of a ladder variant's name (`int8@2t`), undefined for any other name. */
export function parseThreadVariant(name: string): { precision: string; threads: number } | undefined {
  const m = /^(.+)@(\d+)t$/.exec(name);
  return m ? { precision: m[1]!, threads: Number(m[2]) } : undefined;
}
