/**
 * `writeReport(runDir, options)`: reads a run directory and writes `report.html`
 * (self-contained), `report.md`, `plots/*.svg|png` and `tables/*.csv|json`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Plot } from "./chart-render.ts";
import { bestModelTable } from "./best-model-table.ts";
import { cnnVsFcnnPlot, cnnVsFcnnTable, transferTable } from "./comparison-tables.ts";
import { confusionSection } from "./confusion-section.ts";
import { efficiencyTable } from "./efficiency-table.ts";
import { epPlots } from "./ep-plots.ts";
import { epDisplayName } from "../formats/ep-display-name.ts";
import { boundNotes, rooflinePlots } from "./roofline.ts";
import { ceilingsTable, modelWorkTable, workVsTimeTable } from "./work-tables.ts";
import { loadReportData, okRows, type ReportData } from "./load-run.ts";
import { estimateTable, exerciseErrata, exerciseEstimate, measuredMemoryTable } from "./memory-tables.ts";
import { modelImagesSection } from "./model-images.ts";
import { modelPlots } from "./model-plots.ts";
import { modelSummaries } from "./model-summaries.ts";
import { precisionTable, speedupClaim } from "./precision-table.ts";
import { threadScalingPlot, threadsTable } from "./threads-table.ts";
import { gpuSplitTable } from "./gpu-split-table.ts";
import { renderHtml, renderMarkdown, type ReportHeader, type ReportSection } from "./report-document.ts";
import { resolveReportOptions, type ReportOptions, type ResolvedReportOptions } from "../formats/options/report-options.ts";
import { tableToCsv, tableToJson, type ReportTable } from "./report-table.ts";
import { architectureSweepTable, filterSweepTable } from "./sweep-tables.ts";
import { summarySection } from "./summary-section.ts";
import { scenarioSection } from "./scenario-section.ts";
import { trainingPlot } from "./training-plots.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

/** Files written by {@link writeReport}. */
export interface WrittenReport {
  readonly html: string;
  readonly markdown: string;
  /** Plot files (SVG and PNG). */
  readonly plots: readonly string[];
  /** Table files (CSV and JSON). */
  readonly tables: readonly string[];
  /** Sentences about what could not be drawn (missing data, no dataset…). */
  readonly warnings: readonly string[];
}

/** The header facts of a run. */
export function runHeader(data: ReportData): ReportHeader {
  const r = data.results;
  const hw = r.hardware;
  const eps = r.eps.map((e) => (e.state === "available" ? `${e.name} ✓` : `${e.name} ✗ (${e.reason})`)).join("; ");
  return {
    title: `ONNX Runtime profile report — ${r.runId}`,
    facts: [
      ["Run", `${r.runId}${r.complete ? "" : " (incomplete: some planned rows are missing)"}`],
      ["When", `${r.startedAt} → ${r.finishedAt}`],
      ["Machine", `${hw.hostname}: ${hw.cpu.model}, ${hw.cpu.cores} cores / ${hw.cpu.threads} threads, ${hw.memoryGiB.toFixed(1)} GiB RAM`],
      ["CPU flags", hw.cpu.flags.join(", ") || "none recorded"],
      ["GPUs", hw.gpus.map((g) => `${g.vendor} ${g.model}${g.vramMiB ? ` (${g.vramMiB} MiB)` : ""}`).join(", ") || "none"],
      ["OS", `${hw.os.distro} ${hw.os.release}, kernel ${hw.os.kernel}, ${hw.os.arch}`],
      [
        "Versions",
        Object.entries(hw.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ],
      ["EPs", eps],
      [
        "Load average (1 min)",
        `${r.stability.loadAverage1m.min.toFixed(2)}–${r.stability.loadAverage1m.max.toFixed(2)} (mean ${r.stability.loadAverage1m.mean.toFixed(2)})`,
      ],
      ...((r.settings.rounds ?? 1) > 1 && r.stability.maxRoundsCv != null
        ? [
            [
              "Rounds",
              `${r.settings.rounds} per row, spread across the run; largest CV of a row's round medians ${(r.stability.maxRoundsCv * 100).toFixed(1)}%` +
                `${(r.stability.highRoundsCvRows ?? []).length > 0 ? `, above ${(r.stability.cvThreshold * 100).toFixed(0)}% in ${r.stability.highRoundsCvRows!.length} row(s)` : ""}`,
            ] as [string, string],
          ]
        : []),
    ],
  };
}

/** The worked memory exercise with the notebook's wrong answer corrected. */
function exerciseTable(): ReportTable {
  const e = exerciseEstimate(50);
  const t = estimateTable(
    "memory-exercise",
    "Worked example: 200×300 RGB, three 3×3 convolutions, stride 2, same padding, 100/200/400 maps (mini-batch 50)",
    e,
  );
  return { ...t, notes: [...exerciseErrata(e), ...t.notes] };
}

/** One sentence per paired precision speedup, claiming a change only where its 95% CI supports it. */
function precisionClaims(data: ReportData): string[] {
  return data.results.comparisons
    .filter((c) => c.kind === "precision")
    .map((c) => `${c.model} on ${epDisplayName(c.ep)} at batch ${c.batch}: ${speedupClaim(c)}.`);
}

/** Builds every section of a run's report (no files written). */
export async function buildSections(data: ReportData, o: ResolvedReportOptions, warnings: string[]): Promise<ReportSection[]> {
  const rows = okRows(data.results.rows);
  const summaries = modelSummaries(data);
  const [ep, models, rooflines] = await Promise.all([epPlots(rows, data.results.comparisons), modelPlots(summaries), rooflinePlots(data)]);
  const scaling = await threadScalingPlot(data);
  const speedup = [...ep.filter((p) => p.id === "int8-speedup"), ...(scaling ? [scaling] : [])];
  const trainingPlots: Plot[] = [];
  for (const s of summaries) if (s.train && s.train.history.length > 0) trainingPlots.push(await trainingPlot(s.model, s.train));
  const cnnVsFcnn = cnnVsFcnnTable(data);
  const cnnVsFcnnBars = await cnnVsFcnnPlot(cnnVsFcnn);
  const sections: ReportSection[] = [
    summarySection(data),
    {
      id: "efficiency",
      title: "Hardware efficiency",
      intro: [],
      tables: [efficiencyTable(data)],
      plots: ep.filter((p) => p.id !== "int8-speedup"),
      images: [],
    },
    {
      id: "roofline",
      title: "Work, ceilings and roofline",
      intro:
        data.work.size === 0
          ? [
              "No work counts: the run's ONNX files could not be read from their recorded paths (moved or deleted), so achieved GFLOP/s and the roofline are not drawn.",
            ]
          : [
              ...boundNotes(data),
              ...(data.ceilings.length === 0
                ? [
                    "No ceilings are cached for this machine and ONNX Runtime version: run npm run bench -- ceilings (npm run profile measures the CPU EP's itself).",
                  ]
                : []),
            ],
      // tables with no rows are left out (a run without work counts or ceilings)
      tables: [modelWorkTable(data), workVsTimeTable(data), ceilingsTable(data), gpuSplitTable(data)].filter((t) => t.rows.length > 0),
      plots: rooflines,
      images: [],
    },
    { id: "precision", title: "FP32 vs INT8", intro: precisionClaims(data), tables: [precisionTable(data), threadsTable(data)], plots: speedup, images: [] },
    {
      id: "labs",
      title: "Lab comparisons",
      intro: [],
      tables: [architectureSweepTable(data), filterSweepTable(data), cnnVsFcnn, transferTable(data), bestModelTable(data)],
      plots: cnnVsFcnnBars ? [...models, cnnVsFcnnBars] : models,
      images: [],
    },
    {
      id: "memory",
      title: "Memory estimator",
      intro: [],
      tables: [measuredMemoryTable(data, o.trainingBatch), exerciseTable()],
      plots: [],
      images: [],
    },
  ];
  sections.push({
    id: "training",
    title: "Training curves",
    intro:
      trainingPlots.length === 0 ? ["No train.json with a history was found beside the run's ONNX files (foreign models, or models trained elsewhere)."] : [],
    tables: [],
    plots: trainingPlots,
    images: [],
  });
  const scenarios = await scenarioSection(data.results.scenarios);
  if (scenarios) sections.splice(sections.findIndex((s) => s.id === "precision") + 1, 0, scenarios);
  if (o.confusion) sections.push(await confusionSection(data, o, warnings));
  if (o.modelImages) sections.push(await modelImagesSection(data, o, warnings));
  return sections;
}

async function writeTables(dir: string, tables: readonly ReportTable[]): Promise<string[]> {
  await ensureOutputDir(dir, "--out");
  const files: string[] = [];
  for (const t of tables) {
    const csv = join(dir, `${t.id}.csv`);
    const json = join(dir, `${t.id}.json`);
    await writeFile(csv, tableToCsv(t));
    await writeFile(json, tableToJson(t));
    files.push(csv, json);
  }
  return files;
}

/**
 * Writes the report of the run in `runDir`.
 * @returns the paths written and what could not be drawn
 * @throws when `results.json` is missing or invalid (the message names the file)
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const o = resolveReportOptions(runDir, options);
  await ensureOutputDir(o.outDir, "--out");
  const data = await loadReportData(runDir, o.modelDirs);
  const warnings: string[] = [];
  const sections = await buildSections(data, o, warnings);
  const header = runHeader(data);
  const plotsDir = join(o.outDir, "plots");
  await ensureOutputDir(plotsDir, "--out");
  const plots: string[] = [];
  for (const s of sections) {
    for (const p of s.plots) {
      const f = join(plotsDir, `${p.id}.svg`);
      await writeFile(f, p.svg);
      plots.push(f);
    }
    for (const i of s.images) {
      const f = join(plotsDir, `${i.id}.png`);
      await writeFile(f, i.png);
      plots.push(f);
    }
  }
  const tables = await writeTables(
    join(o.outDir, "tables"),
    sections.flatMap((s) => s.tables),
  );
  const html = join(o.outDir, "report.html");
  const markdown = join(o.outDir, "report.md");
  await writeFile(html, renderHtml(header, sections));
  await writeFile(markdown, renderMarkdown(header, sections));
  for (const w of warnings) o.log(`report: ${w}`);
  o.log(`report: ${html}`);
  return { html, markdown, plots, tables, warnings };
}
