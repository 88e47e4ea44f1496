/**
 * Comparing runs or machines: the rows with the same key across runs, each run's figures
 * and its ratio to the first run. A change is marked only when it exceeds the rows'
 * measured noise: latency and throughput need non-overlapping 95% CIs of the median AND a
 * relative change above 2 × the larger CV (within a round, or between a row's rounds);
 * accuracy needs |Δ| above 2 binomial standard errors.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { unpairedSpeedup } from "../measure/index.ts";
import type { Comparison, OkRow } from "../formats/run/results-schema.ts";
import { escapeHtml } from "./escape-html.ts";
import { loadReportData, okRows, type ReportData } from "./load-run.ts";
import { tableToCsv, tableToHtml, tableToJson, tableToMarkdown, type Cell, type Column, type ReportTable } from "./report-table.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

/** What {@link compareRuns} returns. */
export interface RunComparison {
  /** Run ids, in the order given (the first is the baseline). */
  readonly runs: readonly string[];
  readonly table: ReportTable;
  /** The paired speedups of each run side by side (see {@link speedupsTable}). */
  readonly speedups: ReportTable;
}

/** Whether run B's speedup agrees with run A's: within `tolerance` (a ratio) and inside A's interval. */
export function speedupAgreement(a: Comparison, b: Comparison, tolerance = 0.1): { ratio: number; withinTolerance: boolean; insideCi: boolean } {
  const ratio = b.speedup / a.speedup;
  return { ratio, withinTolerance: Math.abs(ratio - 1) <= tolerance, insideCi: b.speedup >= a.ci95[0] && b.speedup <= a.ci95[1] };
}

const comparisonKey = (c: Comparison) => `${c.kind}|${c.model}|${c.ep}|${c.precision}|${c.batch}|${c.baseline}|${c.variant}`;

/** Every speedup of the runs side by side: each run's estimate and CI, and how later runs agree with run 1. */
export function speedupsTable(runs: readonly ReportData[]): ReportTable {
  const keys = [...new Set(runs.flatMap((r) => r.results.comparisons.map(comparisonKey)))];
  const columns: Column[] = [
    { key: "what", header: "Speedup (model, EP, precision, batch)" },
    { key: "paired", header: "Paired" },
  ];
  runs.forEach((_, i) => {
    columns.push({ key: `s_${i}`, header: `Run ${i + 1}`, unit: "×", digits: 2 }, { key: `ci_${i}`, header: `95% CI ${i + 1}` });
    if (i > 0) columns.push({ key: `agree_${i}`, header: `run ${i + 1} vs 1` });
  });
  const agreeCounts = runs.slice(1).map(() => ({ within: 0, inside: 0, n: 0 }));
  const rows = keys.map((key) => {
    const found = runs.map((r) => r.results.comparisons.find((c) => comparisonKey(c) === key));
    const any = found.find(Boolean)!;
    const cells: Record<string, Cell> = {
      what: `${any.model}, ${any.kind === "precision" ? `${any.ep}, ${any.variant} vs ${any.baseline}` : `${any.precision}, ${any.variant} vs ${any.baseline}`}, batch ${any.batch}`,
      paired: any.paired ? "yes" : "no",
    };
    found.forEach((c, i) => {
      cells[`s_${i}`] = c?.speedup ?? null;
      cells[`ci_${i}`] = c ? `${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)}` : null;
      const a = found[0];
      if (i === 0) return;
      if (!a || !c) {
        cells[`agree_${i}`] = "not in both";
        return;
      }
      const g = speedupAgreement(a, c);
      const n = agreeCounts[i - 1]!;
      n.n++;
      if (g.withinTolerance) n.within++;
      if (g.insideCi) n.inside++;
      cells[`agree_${i}`] = `${g.ratio.toFixed(3)}×${g.withinTolerance ? "" : ", moved >10%"}${g.insideCi ? ", inside CI 1" : ", outside CI 1"}`;
    });
    return cells;
  });
  return {
    id: "speedups-compared",
    title: "Speedups compared",
    columns,
    rows,
    notes: [
      ...agreeCounts.map((n, j) => `Run ${j + 2} vs run 1: ${n.within} of ${n.n} speedups within ±10%, ${n.inside} of ${n.n} inside run 1's 95% CI.`),
      "Paired speedups (precisions of one model on one EP, timed in alternating blocks in one process) cancel the machine's drift, so unlike absolute times they should repeat across runs.",
    ],
  };
}

/**
 * The ratio of run B's latency to run A's (B p50 ÷ A p50, < 1: B faster) with a 95% interval
 * from both rows' block medians per round (unpaired: two runs); null for rows without
 * block medians (schema-1 runs).
 */
export function latencyRatio(a: OkRow, b: OkRow): { ratio: number; ci95: readonly [number, number] } | null {
  const est = unpairedSpeedup(b.roundBlockMedians ?? [], a.roundBlockMedians ?? []);
  return est ? { ratio: est.speedup, ci95: est.ci95 } : null;
}

/** True when a latency change between two rows exceeds their measured noise. */
export function latencyChanged(a: OkRow, b: OkRow): boolean {
  const r = latencyRatio(a, b);
  if (r) return r.ci95[0] > 1 || r.ci95[1] < 1;
  const disjoint = a.latency.p50Ci95[1] < b.latency.p50Ci95[0] || b.latency.p50Ci95[1] < a.latency.p50Ci95[0];
  const rel = Math.abs(b.latency.p50 - a.latency.p50) / a.latency.p50;
  return disjoint && rel > 2 * Math.max(a.latency.cv, b.latency.cv, a.roundsCv ?? 0, b.roundsCv ?? 0);
}

/** True when two accuracies differ by more than 2 binomial standard errors. */
export function accuracyChanged(a: OkRow, b: OkRow): boolean {
  if (!a.accuracy || !b.accuracy) return false;
  const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / Math.max(1, n));
  const s = Math.hypot(se(a.accuracy.top1, a.accuracy.count), se(b.accuracy.top1, b.accuracy.count));
  return Math.abs(b.accuracy.top1 - a.accuracy.top1) > 2 * Math.max(s, 1e-12);
}

function label(d: ReportData): string {
  return `${d.results.runId} (${d.results.hardware.hostname})`;
}

/** Compares runs already loaded; the first is the baseline. */
export function compareData(runs: readonly ReportData[]): RunComparison {
  const base = runs[0];
  if (!base || runs.length < 2) throw new Error(`Compare needs at least 2 runs, got ${runs.length}`);
  const keys = [...new Set(runs.flatMap((r) => r.results.rows.map((x) => x.key)))];
  const columns: Column[] = [{ key: "key", header: "Row (model|precision|EP|batch)" }];
  runs.forEach((_, i) => {
    columns.push({ key: `p50_${i}`, header: `p50 run ${i + 1}`, unit: "ms", digits: 3 });
    if (i > 0)
      columns.push(
        { key: `ratio_${i}`, header: `time ratio ${i + 1}/1`, unit: "×", digits: 2 },
        { key: `ci_${i}`, header: `95% CI ${i + 1}/1` },
        { key: `change_${i}`, header: `change ${i + 1}` },
      );
  });
  runs.forEach((_, i) => columns.push({ key: `thr_${i}`, header: `Throughput run ${i + 1}`, unit: "img/s", digits: 0 }));
  runs.forEach((_, i) => columns.push({ key: `rss_${i}`, header: `Peak RSS run ${i + 1}`, unit: "MiB", digits: 1 }));
  runs.forEach((_, i) => columns.push({ key: `acc_${i}`, header: `Accuracy run ${i + 1}`, unit: "%", digits: 2 }));
  /** Per later run, the rows ok in both it and run 1: [run 1's, its own]. */
  const pairs: [OkRow, OkRow][][] = runs.slice(1).map(() => []);
  const rows = keys.map((key) => {
    const cells: Record<string, Cell> = { key };
    const found = runs.map((r) => okRows(r.results.rows).find((x) => x.key === key));
    const a = found[0];
    found.forEach((b, i) => {
      cells[`p50_${i}`] = b?.latency.p50 ?? null;
      cells[`thr_${i}`] = b?.throughput ?? null;
      cells[`rss_${i}`] = b?.peakRssMiB ?? null;
      cells[`acc_${i}`] = b?.accuracy ? b.accuracy.top1 * 100 : null;
      if (i === 0) return;
      if (!a || !b) {
        cells[`ratio_${i}`] = null;
        cells[`ci_${i}`] = null;
        cells[`change_${i}`] = !a && !b ? "not ok in either" : !a ? "new (not ok in run 1)" : "missing (not ok here)";
        return;
      }
      pairs[i - 1]!.push([a, b]);
      const ratio = latencyRatio(a, b);
      cells[`ratio_${i}`] = ratio?.ratio ?? b.latency.p50 / a.latency.p50;
      cells[`ci_${i}`] = ratio ? `${ratio.ci95[0].toFixed(2)}–${ratio.ci95[1].toFixed(2)}` : "unpaired, no CI";
      const marks: string[] = [];
      if (latencyChanged(a, b)) marks.push(b.latency.p50 < a.latency.p50 ? "faster" : "slower");
      if (accuracyChanged(a, b)) marks.push(b.accuracy!.top1 > a.accuracy!.top1 ? "more accurate" : "less accurate");
      cells[`change_${i}`] = marks.length > 0 ? marks.join(", ") : "within noise";
    });
    return cells;
  });
  const within = pairs.map((both, j) => {
    const close = (xs: number[]) => xs.filter((x) => Math.abs(x - 1) <= 0.1).length;
    const p50 = both.map(([a, b]) => b.latency.p50 / a.latency.p50);
    const best = both.flatMap(([a, b]) => (a.bestRoundP50 && b.bestRoundP50 ? [b.bestRoundP50 / a.bestRoundP50] : []));
    const fastest = both.map(([a, b]) => b.latency.min / a.latency.min);
    return (
      `Run ${j + 2} vs run 1: p50 within ±10% in ${close(p50)} of ${p50.length} rows` +
      (best.length > 0 ? `; best-round p50 (the least-disturbed round's median) in ${close(best)} of ${best.length}` : "") +
      `; min latency in ${close(fastest)} of ${fastest.length}.`
    );
  });
  const probe = (r: ReportData) => r.results.stability.speedProbeMs;
  const probeNotes = runs
    .map((r, i) => {
      const p = probe(r);
      if (!p) return null;
      const first = probe(base);
      const ratio = i > 0 && first ? ` (ratio to run 1: ${(p.median / first.median).toFixed(2)})` : "";
      return (
        `Run ${i + 1} machine-speed reference: median ${p.median.toFixed(3)} ms, range ${p.min.toFixed(3)}–${p.max.toFixed(3)} ms${ratio}. ` +
        "A pure-JS arithmetic kernel timed before every child: when it moves, the machine itself changed speed (a shared host), not the model."
      );
    })
    .filter((x): x is string => x !== null);
  return {
    runs: runs.map(label),
    speedups: speedupsTable(runs),
    table: {
      id: "comparison",
      title: "Runs compared",
      columns,
      rows,
      notes: [
        ...runs.map((r, i) => `Run ${i + 1}: ${label(r)}, ${r.results.hardware.cpu.model}, ${r.results.startedAt}.`),
        ...within,
        ...probeNotes,
        "Time ratio = the run's latency ÷ run 1's (< 1: faster): the ratio of the two rows' median block medians (close to, but not the same as, the ratio of their p50s), with a 95% CI bootstrapped over each run's rounds and blocks (two runs never share a window, so this is unpaired and carries the machine's drift between them). A latency change is marked when that CI excludes 1 (for schema-1 runs without blocks: when the 95% CIs of the two medians do not overlap and the change exceeds 2 × the larger CV); an accuracy change only when it exceeds 2 binomial standard errors. Otherwise: within noise.",
      ],
    },
  };
}

/** Loads and compares run directories (the first is the baseline). */
export async function compareRuns(runDirs: readonly string[]): Promise<RunComparison> {
  return compareData(await Promise.all(runDirs.map((d) => loadReportData(d))));
}

/** Writes `comparison.html`, `comparison.md`, `comparison.csv` and `comparison.json` into `outDir`; returns the HTML path. */
export async function writeComparison(runDirs: readonly string[], outDir: string): Promise<string> {
  const c = await compareRuns(runDirs);
  await ensureOutputDir(outDir, "--out");
  const html = join(outDir, "comparison.html");
  await writeFile(
    html,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Runs compared</title><style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse;font-size:12.5px}th,td{border:1px solid #ccc;padding:3px 6px}td.num{text-align:right}</style></head><body><h1>Runs compared</h1><ol>${c.runs.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ol>${tableToHtml(c.speedups)}${tableToHtml(c.table)}</body></html>\n`,
  );
  await writeFile(join(outDir, "comparison.md"), `# Runs compared\n\n${tableToMarkdown(c.speedups)}\n${tableToMarkdown(c.table)}`);
  await writeFile(join(outDir, "comparison.csv"), tableToCsv(c.table));
  await writeFile(join(outDir, "comparison.json"), tableToJson(c.table));
  return html;
}
