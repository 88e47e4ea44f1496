/**
 * Assembles the report documents: a self-contained `report.html` (CSS inline, SVG inline,
 * PNG as data URIs; opens offline) and `report.md` (tables inline, plots linked).
 */
import type { Plot } from "./chart-render.ts";
import { escapeHtml } from "./escape-html.ts";
import { escapeMarkdown } from "./escape-markdown.ts";
import { tableToHtml, tableToMarkdown, type ReportTable } from "./report-table.ts";

/** A PNG view of a model (filters, feature maps, Grad-CAM). */
export interface ImagePlot {
  /** File name without extension under `plots/`. */
  readonly id: string;
  readonly title: string;
  readonly png: Buffer;
  readonly caption: string;
}

/** A titled part of the report. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  /** Sentences shown before the section's content. */
  readonly intro: readonly string[];
  readonly tables: readonly ReportTable[];
  readonly plots: readonly Plot[];
  readonly images: readonly ImagePlot[];
}

/** What the documents show above the sections. */
export interface ReportHeader {
  readonly title: string;
  /** Label → value lines (run id, machine, CPU, EPs…). */
  readonly facts: readonly (readonly [string, string])[];
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#1f2d3d;color:#fff;padding:18px 28px}header h1{margin:0 0 8px;font-size:22px}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0;font-size:13px}header dt{opacity:.7}header dd{margin:0}
nav{padding:8px 28px;background:#eef1f5;border-bottom:1px solid #d8dde3;font-size:13px}nav a{margin-right:14px;color:#1f5fa8;text-decoration:none}
main{padding:8px 28px 40px;max-width:1500px;box-sizing:border-box}p.summary{font-size:15px;max-width:1100px;margin:6px 0}h2{margin:28px 0 8px;border-bottom:2px solid #d8dde3;padding-bottom:4px}h3{margin:18px 0 6px;font-size:15px}
.scroll{overflow-x:auto;overflow-y:hidden;max-width:100%;width:max-content;box-sizing:border-box}table{border-collapse:collapse;font-size:12.5px;background:#fff}
th,td{border:1px solid #d8dde3;padding:3px 6px;text-align:left;vertical-align:top}td{white-space:nowrap}td:last-child:not(.num){white-space:normal;min-width:14em;max-width:36em}th{background:#eef1f5;white-space:normal;min-width:3em;max-width:9em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tbody tr:nth-child(even){background:#f7f9fb}
ul.notes{margin:6px 0;padding-left:20px;font-size:12.5px;color:#444}p.intro{color:#333;max-width:1000px}
.plots{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}figure{margin:0;background:#fff;border:1px solid #d8dde3;padding:8px;max-width:100%;overflow-x:auto}
figure svg{display:block;max-width:none}figcaption{font-size:12px;color:#444;margin-top:4px;max-width:640px}
figure img{display:block;image-rendering:pixelated;max-width:100%}
`;

function plotHtml(p: Plot): string {
  return `<figure class="plot" id="plot-${escapeHtml(p.id)}" data-plot="${escapeHtml(p.id)}">${p.svg}<figcaption>${escapeHtml(p.title)}</figcaption></figure>`;
}

function imageHtml(i: ImagePlot): string {
  return `<figure class="image" id="image-${escapeHtml(i.id)}" data-image="${escapeHtml(i.id)}"><img alt="${escapeHtml(i.title)}" src="data:image/png;base64,${i.png.toString("base64")}"><figcaption><b>${escapeHtml(i.title)}</b>. ${escapeHtml(i.caption)}</figcaption></figure>`;
}

/** The self-contained HTML report. */
export function renderHtml(header: ReportHeader, sections: readonly ReportSection[]): string {
  const facts = header.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("");
  const nav = sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join("");
  const body = sections
    .map((s) =>
      [
        `<section class="part" id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>`,
        ...s.intro.map((t) => `<p class="${s.id === "summary" ? "summary" : "intro"}">${escapeHtml(t)}</p>`),
        ...s.tables.map(tableToHtml),
        s.plots.length > 0 ? `<div class="plots">${s.plots.map(plotHtml).join("\n")}</div>` : "",
        s.images.length > 0 ? `<div class="plots">${s.images.map(imageHtml).join("\n")}</div>` : "",
        "</section>",
      ].join("\n"),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(header.title)}</title><style>${CSS}</style></head>
<body><header><h1>${escapeHtml(header.title)}</h1><dl>${facts}</dl></header><nav>${nav}</nav><main>
${body}
</main></body></html>
`;
}

/** The Markdown report: tables inline, plots and images linked from `plots/`. */
export function renderMarkdown(header: ReportHeader, sections: readonly ReportSection[]): string {
  const md = escapeMarkdown;
  const lines = [`# ${md(header.title)}`, "", ...header.facts.map(([k, v]) => `- **${md(k)}:** ${md(v)}`), ""];
  for (const s of sections) {
    lines.push(`## ${md(s.title)}`, "", ...s.intro.flatMap((t) => [md(t), ""]));
    for (const t of s.tables) lines.push(tableToMarkdown(t));
    for (const p of s.plots) lines.push(`![${md(p.title)}](plots/${encodeURIComponent(p.id)}.svg)`, "");
    for (const i of s.images) lines.push(`![${md(i.title)}](plots/${encodeURIComponent(i.id)}.png)`, "", md(i.caption), "");
  }
  return lines.join("\n");
}
