/**
 * What a run prints at its end: the machine, the EPs that could not start (once, with
 * reason and fix), the table (compact by default, every column with `wide`), the rows
 * that failed, and the stability figures; every line wrapped to the terminal width.
 */
import { epDisplayName } from "../../formats/ep-display-name.ts";
import type { OkRow, ResultRow, RunResults } from "../../formats/run/results-schema.ts";
import { renderCompactTable } from "./results-compact-table.ts";
import { pct, renderWideTable } from "./results-wide-table.ts";
import { wrapText } from "./text-wrap.ts";
import { threadCheckLine } from "../thread-check.ts";
import { gpuSplitSentences } from "../gpu-split.ts";

/** Options of {@link renderResultsTable}. */
export interface ResultsTableOptions {
  /** Every row and column (about 200 columns) instead of the compact table. Default false. */
  readonly wide?: boolean;
  /** Width the text lines (not the wide table) are wrapped to, columns. Default 120. */
  readonly width?: number;
}

/** Renders the end-of-run text: machine, skipped EPs, table, failures and stability. */
export function renderResultsTable(results: RunResults, options: ResultsTableOptions = {}): string {
  const width = options.width ?? 120;
  const wrap = (text: string, first = "") => wrapText(text, width, "    ", first);
  const hw = results.hardware;
  const lines = [
    wrap(
      `${hw.hostname}: ${hw.cpu.model}, ${hw.cpu.cores} cores/${hw.cpu.threads} threads, ${hw.memoryGiB.toFixed(1)} GiB, ` +
        `flags ${hw.cpu.flags.join(" ") || "-"}; ${hw.gpus.map((g) => `${g.model} (${g.driver})`).join(", ") || "no GPU"}; ` +
        `${hw.os.distro} ${hw.os.release}; node ${hw.versions.node ?? "?"}, onnxruntime-node ${hw.versions.onnxruntimeNode ?? "?"}`,
    ),
  ];
  for (const ep of results.eps) {
    if (ep.state !== "skipped") continue;
    const n = results.rows.filter((r) => r.ep === ep.name).length;
    lines.push(wrap(`EP ${epDisplayName(ep.name)} skipped (${n} row${n === 1 ? "" : "s"} not measured): ${ep.reason}`), wrap(`fix: ${ep.fix}`, "    "));
  }
  const markers = new Set<string>();
  const table = options.wide ? renderWideTable(results) : renderCompactTable(results, { onMarker: (m) => markers.add(m) });
  lines.push("", table, "");
  const tableWidth = Math.max(0, ...table.split("\n").map((l) => l.length));
  if (!options.wide && tableWidth > width) {
    lines.push(
      wrap(
        `note: this table is ${tableWidth} columns wide (more than ${width}): each precision beyond fp32 adds 3 columns; profile fewer with --precision, or widen the terminal.`,
      ),
    );
  }
  if (!options.wide) {
    const paired = (results.comparisons ?? []).length > 0;
    lines.push(
      wrap(
        `ms: median latency of one session.run. Speedup: fp32 p50 ÷ the other precision's p50 (> 1: it is faster)` +
          (paired ? ', [95% CI] from interleaved pairs; "no clear difference" when the CI covers 1' : "") +
          `; "unpaired": the ratio of two separately measured rows, no CI. Δpp: top-1 change in percentage points.` +
          (markers.has("~") ? " ~: fewer than 5 latency samples." : "") +
          (markers.has("*") ? " *: accuracy on a subset of the test set (the EP's time budget ran out)." : "") +
          " --wide: every row and column (p95, img/s, CVs, peak RSS, params, size, accuracy per M params).",
      ),
    );
  }
  const ortDefault = results.rows.flatMap((r) => (r.state === "ok" && r.ep === "cpu" && r.threads?.ortDefault !== undefined ? [r.threads.ortDefault] : []))[0];
  const threads = threadCheckLine(results.comparisons ?? [], ortDefault);
  if (threads) lines.push(wrap(threads));
  for (const line of gpuSplitSentences(okRowsOf(results.rows), results.comparisons ?? [])) lines.push(wrap(`gpu split: ${line}`));
  const soft = [...new Set(results.rows.filter((r) => r.state === "ok" && r.warnings.some((w) => w.code === "software-adapter")).map((r) => r.ep))];
  if (soft.length > 0) {
    lines.push(
      wrap(
        `software adapter: ${soft.map(epDisplayName).join(", ")} ran on a software GPU adapter (the GPU emulated on the CPU, e.g. SwiftShader), ` +
          "so their times are the CPU's, measured lighter: one timing round, accuracy on a 1 s slice, a 3-run per-op pass",
      ),
    );
  }
  // Rows that failed or were skipped on an EP that did start (e.g. a fixed batch axis), grouped by message.
  const started = new Set(results.eps.filter((e) => e.state === "available").map((e) => e.name));
  const problems = new Map<string, string[]>();
  for (const r of results.rows) {
    if (r.state === "ok" || (r.state === "skipped" && !started.has(r.ep))) continue;
    const text = r.state === "errored" ? `errored: ${r.error.split("\n")[0] ?? ""}` : `skipped: ${r.reason} (fix: ${r.fix})`;
    problems.set(text, [...(problems.get(text) ?? []), r.key]);
  }
  for (const [text, keys] of problems)
    lines.push(
      wrap(`${keys.length} row${keys.length === 1 ? "" : "s"} ${text} [${keys.slice(0, 4).join(", ")}${keys.length > 4 ? `, +${keys.length - 4} more` : ""}]`),
    );
  const s = results.stability;
  lines.push(wrap(`load average (1 min) during the run: ${s.loadAverage1m.min.toFixed(2)}..${s.loadAverage1m.max.toFixed(2)}`));
  if (s.highCvRows.length > 0) {
    const cvs = results.rows.flatMap((r) => (r.state === "ok" && s.highCvRows.includes(r.key) ? [r.latency.robustCv ?? r.latency.cv] : []));
    lines.push(
      wrap(
        `single runs vary: robust CV (1.4826·MAD/median) ${pct(Math.min(...cvs))}..${pct(Math.max(...cvs))} in ${s.highCvRows.length} row(s), above ${(s.cvThreshold * 100).toFixed(0)}% ` +
          `[${s.highCvRows.slice(0, 4).join(", ")}${s.highCvRows.length > 4 ? `, +${s.highCvRows.length - 4} more` : ""}]; medians, their CIs and the paired speedups still hold, single-run times do not`,
      ),
    );
  }
  if (s.speedProbeMs) {
    const p = s.speedProbeMs;
    lines.push(
      wrap(
        `machine-speed reference (pure-JS kernel before each child, lower is faster): median ${p.median.toFixed(3)} ms, ` +
          `range ${p.min.toFixed(3)}..${p.max.toFixed(3)} ms (max/min ${(p.max / p.min).toFixed(2)}) over ${p.count} children`,
      ),
    );
  }
  if (s.maxRoundsCv !== null && s.maxRoundsCv !== undefined) {
    const high = s.highRoundsCvRows ?? [];
    lines.push(
      wrap(
        `between rounds: the largest CV of a row's round medians was ${pct(s.maxRoundsCv)}` +
          (high.length > 0
            ? `; above ${(s.cvThreshold * 100).toFixed(0)}% in ${high.length} row(s) [${high.slice(0, 4).join(", ")}${high.length > 4 ? `, +${high.length - 4} more` : ""}]: the machine's speed moved between rounds (absolute times carry it; paired speedups cancel it)`
            : ""),
      ),
    );
  }
  return lines.join("\n");
}

function okRowsOf(rows: readonly ResultRow[]): OkRow[] {
  return rows.filter((r): r is OkRow => r.state === "ok");
}
