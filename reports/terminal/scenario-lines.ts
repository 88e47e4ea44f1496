/**
 * The load scenarios' rows as the end of `npm run profile` prints them: one compact line per
 * row (offline: images/s by requests in flight; server: the highest rate within the bound).
 */
import { MIN_PAIRS } from "../../measure/index.ts";
import type { ScenarioRow } from "../../formats/run/scenario-schema.ts";

/** Strips control characters from a name for the terminal. */
const clean = (s: string) => s.replace(/\p{Cc}/gu, "");
const rate = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3));
const ms = (x: number | null) => (x === null ? "n/a" : x.toPrecision(3));

/** One compact line per scenario row, for the end of `npm run profile`. */
export function scenarioLines(rows: readonly ScenarioRow[]): string[] {
  return rows.map((r) => {
    const head = `${r.scenario} ${clean(r.model)} ${clean(r.precision)} ${clean(r.ep)} b${r.batch}`;
    if (r.state !== "ok") return `${head}: ${r.state} (${clean(r.reason)})`;
    if (r.scenario === "offline") {
      const one = r.points[0]?.imagesPerS ?? 0;
      const curve = r.points.map((p) => `${p.inFlight}:${rate(p.imagesPerS)}`).join(" ");
      const v = r.vsFp32;
      const ci = v && v.pairs >= MIN_PAIRS ? ` [${v.ci95[0].toFixed(2)}-${v.ci95[1].toFixed(2)}] ${v.verdict}` : ` (${v?.pairs ?? 0} pairs, no CI)`;
      const vs = v ? `; ${v.speedup.toFixed(2)}x FP32${ci} at ${v.inFlight} in flight` : "";
      const g = r.points[1]?.gainOverHalf;
      const two = g
        ? `; 2 vs 1 in flight ${g.speedup.toFixed(2)}x${g.pairs >= MIN_PAIRS ? ` [${g.ci95[0].toFixed(2)}-${g.ci95[1].toFixed(2)}] ${g.verdict}` : ` (${g.pairs} pairs, no CI)`}`
        : "";
      const load = r.loadAverage1m !== undefined ? ` (load ${r.loadAverage1m.toFixed(1)})` : "";
      return `${head} ${r.mode}: img/s by in-flight ${curve}; best ${r.bestInFlight} in flight ${rate(r.bestImagesPerS)} img/s (${(r.bestImagesPerS / one).toFixed(2)}x one)${two}${vs}${load}`;
    }
    const best = r.trials.filter((t) => t.passes && t.ratePerS === r.maxRatePerS)[0];
    return r.maxRatePerS > 0
      ? `${head}: max ${rate(r.maxRatePerS)} req/s (${rate(r.maxImagesPerS)} img/s) with p99 <= ${r.latencyBoundMs} ms; there p50 ${ms(best?.p50Ms ?? null)}, p99 ${ms(best?.p99Ms ?? null)}, early-stopping p99 ${ms(best?.earlyStoppingP99Ms ?? null)} ms over ${best?.queries ?? 0} queries${r.converged ? "" : " (search not converged)"}`
      : r.trials.length > 0
        ? `${head}: no rate tried (${rate(Math.min(...r.trials.map((t) => t.ratePerS)))}..${rate(Math.max(...r.trials.map((t) => t.ratePerS)))} req/s) kept p99 <= ${r.latencyBoundMs} ms`
        : `${head}: no rate can keep p99 <= ${r.latencyBoundMs} ms (one request alone takes longer)`;
  });
}
