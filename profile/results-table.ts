/** The hardware-efficiency table printed at the end of a run (cli-table3). */
import Table from "cli-table3";
import { epDisplayName } from "./browser/browser-eps.ts";
import type { RunResults } from "./results-schema.ts";

function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  return value.toPrecision(digits);
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : `${(value * 100).toFixed(2)}%`;
}

/** Renders the results as a terminal table, plus the hardware line and warnings. */
export function renderResultsTable(results: RunResults): string {
  const hw = results.hardware;
  const table = new Table({
    head: ["model", "prec", "EP", "batch", "state", "p50 ms", "p95 ms", "img/s", "rCV", "rounds CV", "RSS MiB", "top-1", "agree", "params", "size KiB", "acc%/Mparam"],
    style: { head: [], border: [] },
  });
  // Accuracy over fewer images than the model's largest evaluation (a slow EP ran out of budget) shows its count.
  const fullCount = new Map<string, number>();
  for (const r of results.rows) if (r.state === "ok" && r.accuracy) fullCount.set(r.model, Math.max(fullCount.get(r.model) ?? 0, r.accuracy.count));
  for (const r of results.rows) {
    const base = [r.model, r.precision, epDisplayName(r.ep), String(r.batch)]; // browser EPs show as "wasm (browser)"
    if (r.state === "ok") {
      const acc = r.accuracy && r.accuracy.count < (fullCount.get(r.model) ?? 0) ? `${pct(r.accuracy.top1)} (n=${r.accuracy.count})` : pct(r.accuracy?.top1);
      const p50 = r.latency.samples < 5 ? `${fmt(r.latency.p50)} (n=${r.latency.samples})` : fmt(r.latency.p50);
      table.push([
        ...base, "ok", p50, fmt(r.latency.p95), fmt(r.throughput, 4), pct(r.latency.robustCv ?? r.latency.cv),
        r.roundP50s && r.roundP50s.length > 1 ? `${pct(r.roundsCv)} (${r.roundP50s.length})` : "-", fmt(r.peakRssMiB, 4),
        acc, pct(r.agreementWithFp32), String(r.params), fmt(r.sizeBytes / 1024, 4), fmt(r.accuracyPerMParams, 4),
      ]);
    } else {
      const why = r.state === "skipped" ? r.reason : r.error;
      table.push([...base, r.state, { colSpan: 11, content: why.length > 110 ? `${why.slice(0, 107)}...` : why }]);
    }
  }
  const lines = [
    `${hw.hostname}: ${hw.cpu.model}, ${hw.cpu.cores} cores/${hw.cpu.threads} threads, ${hw.memoryGiB.toFixed(1)} GiB` +
      `, flags ${hw.cpu.flags.join(" ") || "-"}; ${hw.gpus.map((g) => `${g.model} (${g.driver})`).join(", ") || "no GPU"}` +
      `; ${hw.os.distro} ${hw.os.release}; node ${hw.versions.node}, onnxruntime-node ${hw.versions.onnxruntimeNode}`,
    table.toString(),
  ];
  for (const ep of results.eps) if (ep.state === "skipped") lines.push(`EP ${ep.name} skipped: ${ep.reason}\n  fix: ${ep.fix}`);
  const s = results.stability;
  lines.push(`load average (1 min) during the run: ${s.loadAverage1m.min.toFixed(2)}..${s.loadAverage1m.max.toFixed(2)}`);
  if (s.highCvRows.length > 0) {
    const cvs = results.rows.flatMap((r) => (r.state === "ok" && s.highCvRows.includes(r.key) ? [r.latency.robustCv ?? r.latency.cv] : []));
    lines.push(`single runs vary: robust CV (1.4826·MAD/median) ${pct(Math.min(...cvs))}..${pct(Math.max(...cvs))} in ${s.highCvRows.length} row(s), above ${(s.cvThreshold * 100).toFixed(0)}% ` +
      `(${s.highCvRows.join(", ")}); medians, their CIs and the paired speedups still hold, single-run times do not`);
  }
  const paired = results.comparisons.filter((c) => c.kind === "precision");
  if (paired.length > 0) {
    lines.push("speedups (paired: precisions timed in alternating blocks in one process; 95% CI over rounds and cycles):");
    for (const c of paired) {
      lines.push(`  ${c.model} ${epDisplayName(c.ep)} batch ${c.batch}: ${c.variant}/${c.baseline} ${c.speedup.toFixed(2)}× [${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)}] ${c.verdict} (${c.pairs} pairs, ${c.rounds} round${c.rounds === 1 ? "" : "s"})`);
    }
  }
  if (s.speedProbeMs) {
    const p = s.speedProbeMs;
    lines.push(`machine-speed reference (pure-JS kernel before each child, lower is faster): median ${p.median.toFixed(3)} ms, ` +
      `range ${p.min.toFixed(3)}..${p.max.toFixed(3)} ms (max/min ${(p.max / p.min).toFixed(2)}) over ${p.count} children`);
  }
  if (s.maxRoundsCv !== null && s.maxRoundsCv !== undefined) {
    const high = s.highRoundsCvRows ?? [];
    lines.push(`between rounds: the largest CV of a row's round medians was ${pct(s.maxRoundsCv)}` +
      (high.length > 0 ? `; above ${(s.cvThreshold * 100).toFixed(0)}% in ${high.length} row(s) (${high.join(", ")}): the machine's speed moved between rounds (absolute times carry it; paired speedups cancel it)` : ""));
  }
  return lines.join("\n");
}
