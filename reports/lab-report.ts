/**
 * `report --lab <folder>`: one cross-machine report over every run dir in a folder. The
 * machines table (CPU, GPU, flags, versions), one table of model × precision × EP × batch
 * rows with each machine's p50, throughput, ratio to the reference machine and INT8 speedup,
 * rows that are not comparable flagged (not merged), and plots of throughput per machine and EP.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { epDisplayName } from "../formats/ep-display-name.ts";
import { precisionSpeedup } from "./precision-speedup.ts";
import type { OkRow } from "../formats/run/results-schema.ts";
import { plot, spansDecades, type Plot } from "./chart-render.ts";
import { labRow, loadLab, notComparable, type LabData } from "./lab-data.ts";
import { renderHtml, renderMarkdown, type ReportHeader, type ReportSection } from "./report-document.ts";
import { tableToCsv, tableToJson, type Cell, type Column, type ReportTable } from "./report-table.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

/** The machines table: one column per machine, one row per fact (CPU, cores, flags, memory, GPUs, EPs, versions, run). */
export function machinesTable(lab: LabData): ReportTable {
  const facts: [string, string, (m: LabData["machines"][number]) => Cell][] = [
    ["cpu", "CPU", (m) => m.results.hardware.cpu.model],
    ["cores", "Cores / threads", (m) => `${m.results.hardware.cpu.cores} / ${m.results.hardware.cpu.threads}`],
    ["flags", "CPU flags", (m) => m.results.hardware.cpu.flags.join(" ") || "-"],
    ["memory", "Memory (GiB)", (m) => Number(m.results.hardware.memoryGiB.toFixed(1))],
    ["gpus", "GPUs", (m) => m.results.hardware.gpus.map((g) => `${g.vendor} ${g.model}`).join(", ") || "none"],
    [
      "eps",
      "EPs that started",
      (m) =>
        m.results.eps
          .filter((e) => e.state === "available")
          .map((e) => epDisplayName(e.name))
          .join(", ") || "none",
    ],
    ["ort", "onnxruntime-node", (m) => m.results.hardware.versions.onnxruntimeNode ?? "unknown"],
    ["node", "Node.js", (m) => m.results.hardware.versions.node ?? "unknown"],
    ["os", "OS", (m) => `${m.results.hardware.os.distro} ${m.results.hardware.os.release}`],
    ["run", "Run", (m) => m.results.runId],
  ];
  return {
    id: "lab-machines",
    title: "Machines",
    columns: [
      { key: "fact", header: "" },
      ...lab.machines.map((m, i) => ({ key: `m_${i}`, header: m === lab.reference ? `${m.label} (reference)` : m.label, digits: 1 })),
    ],
    rows: facts.map(([, header, get]) => ({ fact: header, ...Object.fromEntries(lab.machines.map((m, i) => [`m_${i}`, get(m)])) })),
    notes: [`Ratios in the other tables are to the reference machine, ${lab.reference.label} (choose it with --reference).`],
  };
}

/** Rows keyed model|precision|EP|batch that are ok on at least one machine, by model, precision, EP (the runs' order) and batch. */
function labKeys(lab: LabData): OkRow[] {
  const seen = new Map<string, OkRow>();
  for (const m of lab.machines) for (const r of m.results.rows) if (r.state === "ok" && !seen.has(r.key)) seen.set(r.key, r);
  const rows = [...seen.values()];
  const order = (values: string[]) => (v: string) => values.indexOf(v);
  const model = order([...new Set(rows.map((r) => r.model))]);
  const precision = order([...new Set(rows.map((r) => r.precision))]);
  const ep = order([...new Set(lab.machines.flatMap((m) => m.results.eps.map((e) => e.name)))]);
  return rows.sort((a, b) => model(a.model) - model(b.model) || precision(a.precision) - precision(b.precision) || ep(a.ep) - ep(b.ep) || a.batch - b.batch);
}

/** One row per model × precision × EP × batch; per machine p50, throughput, ratio to the reference and speedup over FP32. */
export function labThroughputTable(lab: LabData): ReportTable {
  const columns: Column[] = [
    { key: "model", header: "Model" },
    { key: "precision", header: "Precision" },
    { key: "ep", header: "EP" },
    { key: "batch", header: "Batch", digits: 0 },
  ];
  lab.machines.forEach((m, i) => {
    columns.push(
      { key: `p50_${i}`, header: `${m.label} p50`, unit: "ms", digits: 3 },
      { key: `thr_${i}`, header: `${m.label} throughput`, unit: "img/s", digits: 0 },
      ...(m === lab.reference ? [] : [{ key: `ratio_${i}`, header: `${m.label} ÷ ${lab.reference.label}`, unit: "×", digits: 2 }]),
      { key: `sp_${i}`, header: `${m.label} speedup over FP32`, unit: "×", digits: 2 },
    );
  });
  columns.push({ key: "flag", header: "Not comparable" });
  let flagged = 0;
  const rows = labKeys(lab).map((k) => {
    const cells: Record<string, Cell> = { model: k.model, precision: k.precision, ep: epDisplayName(k.ep), batch: k.batch };
    const refRow = labRow(lab.reference, k.key);
    const flags: string[] = [];
    lab.machines.forEach((m, i) => {
      const r = labRow(m, k.key);
      cells[`p50_${i}`] = r?.latency.p50 ?? null;
      cells[`thr_${i}`] = r?.throughput ?? null;
      const why = r ? notComparable(lab, m, r, refRow) : undefined;
      if (why) flags.push(`${m.label}: ${why}`);
      if (m !== lab.reference) cells[`ratio_${i}`] = r && refRow && !why ? r.throughput / refRow.throughput : null;
      cells[`sp_${i}`] = k.precision === "fp32" ? null : (precisionSpeedup(m.results, k.model, k.ep, k.batch, k.precision)?.speedup ?? null);
    });
    if (flags.length > 0) flagged++;
    cells.flag = flags.join("; ") || null;
    return cells;
  });
  return {
    id: "lab-throughput",
    title: "Throughput per machine",
    columns,
    rows,
    notes: [
      `Ratio = the machine's throughput ÷ ${lab.reference.label}'s (> 1: faster than the reference). Speedup over FP32 = FP32 p50 ÷ this precision's p50 on the same machine (paired when the run measured pairs).`,
      "A row is not comparable when the model file differs (parameter count or size on disk) or the onnxruntime-node version differs: its figures are shown but no ratio is computed.",
      ...(flagged > 0 ? [`${flagged} row${flagged === 1 ? " is" : "s are"} flagged not comparable.`] : []),
      "Empty cells: the row was not measured ok on that machine (EP missing, skipped or errored there).",
    ],
  };
}

/** Throughput per machine, one panel per EP, one line of points (a colour and shape per machine) per model × precision × batch. */
export async function labThroughputPlot(lab: LabData): Promise<Plot | null> {
  const data = lab.machines.flatMap((m) =>
    m.results.rows
      .filter((r): r is OkRow => r.state === "ok")
      .map((r) => ({
        row: `${r.model} ${r.precision} b${r.batch}`,
        ep: epDisplayName(r.ep),
        machine: m.label,
        throughput: r.throughput,
      })),
  );
  if (data.length === 0) return null;
  const log = spansDecades(data.map((d) => d.throughput));
  return plot("lab-throughput", "Throughput per machine and EP", {
    data: { values: data },
    facet: { row: { field: "ep", type: "nominal", title: "EP", header: { labelAngle: 0, labelAlign: "left" } } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 520,
      height: { step: 16 },
      // Points, not bars: on a log scale a bar from 0 has no start.
      mark: { type: "point", filled: true, size: 60 },
      encoding: {
        y: { field: "row", type: "nominal", title: "Model, precision, batch", sort: null },
        x: {
          field: "throughput",
          type: "quantitative",
          title: "Throughput (images/s)" + (log ? " — log scale" : ""),
          ...(log ? { scale: { type: "log" } } : {}),
        },
        color: { field: "machine", type: "nominal", title: "Machine" },
        shape: { field: "machine", type: "nominal", title: "Machine" },
        tooltip: [{ field: "machine" }, { field: "row" }, { field: "throughput", format: ",.0f" }],
      },
    },
  });
}

/** Files written by {@link writeLabReport}. */
export interface WrittenLabReport {
  readonly html: string;
  readonly markdown: string;
  readonly tables: readonly string[];
  readonly plots: readonly string[];
  readonly machines: readonly string[];
}

/** Options of {@link writeLabReport}. */
export interface LabReportOptions {
  /** Output directory; default the lab folder. */
  readonly outDir?: string;
  /** Reference machine (label, hostname or run id); default the first machine by label. */
  readonly reference?: string;
}

/** Reads every run dir under `folder` and writes `lab-report.html`, `lab-report.md`, `lab-tables/` and `lab-plots/`. */
export async function writeLabReport(folder: string, options: LabReportOptions = {}): Promise<WrittenLabReport> {
  const lab = await loadLab(folder, options.reference);
  const outDir = options.outDir ?? folder;
  const tables = [machinesTable(lab), labThroughputTable(lab)];
  const plotted = await labThroughputPlot(lab);
  const plots = plotted ? [plotted] : [];
  const header: ReportHeader = {
    title: `ONNX Runtime lab report — ${lab.machines.length} machine${lab.machines.length === 1 ? "" : "s"}`,
    facts: [
      ["Lab folder", folder],
      ["Machines", lab.machines.map((m) => `${m.label}: ${m.results.hardware.cpu.model}`).join("; ")],
      ["Reference", lab.reference.label],
    ],
  };
  const sections: ReportSection[] = [
    { id: "machines", title: "Machines", intro: [], tables: [tables[0]!], plots: [], images: [] },
    { id: "throughput", title: "Throughput per machine", intro: [], tables: [tables[1]!], plots, images: [] },
  ];
  await ensureOutputDir(join(outDir, "lab-tables"), "--out");
  await ensureOutputDir(join(outDir, "lab-plots"), "--out");
  const tableFiles: string[] = [];
  for (const t of tables) {
    const csv = join(outDir, "lab-tables", `${t.id}.csv`);
    const json = join(outDir, "lab-tables", `${t.id}.json`);
    await writeFile(csv, tableToCsv(t));
    await writeFile(json, tableToJson(t));
    tableFiles.push(csv, json);
  }
  const plotFiles: string[] = [];
  for (const p of plots) {
    const f = join(outDir, "lab-plots", `${p.id}.svg`);
    await writeFile(f, p.svg);
    plotFiles.push(f);
  }
  const html = join(outDir, "lab-report.html");
  const markdown = join(outDir, "lab-report.md");
  await writeFile(html, renderHtml(header, sections));
  await writeFile(markdown, renderMarkdown(header, sections).replace(/\]\(plots\//g, "](lab-plots/"));
  return { html, markdown, tables: tableFiles, plots: plotFiles, machines: lab.machines.map((m) => m.label) };
}
