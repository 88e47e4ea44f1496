/**
 * The one table shape every report table uses, and its renderers: Markdown, CSV, JSON and
 * HTML. Numbers stay numbers until rendering; each column says its unit and precision.
 */
import { csvCell } from "../formats/csv-cell.ts";
import { escapeHtml } from "./escape-html.ts";
import { escapeMarkdown } from "./escape-markdown.ts";

/** One cell: a number (rendered with the column's digits), text, or empty (null). */
export type Cell = string | number | null;

/** A column: key into each row, header text, unit (shown in the header) and decimals. */
export interface Column {
  readonly key: string;
  readonly header: string;
  /** Unit shown after the header, e.g. `ms`, `MiB`. */
  readonly unit?: string;
  /** Decimals for numbers; integers get thousands separators when 0. Default 2. */
  readonly digits?: number;
}

/** A report table with its notes (what is missing, how to get it, how figures were made). */
export interface ReportTable {
  /** Stable id: file name of the CSV/JSON and the HTML anchor, e.g. `efficiency`. */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  /** Sentences shown under the table. */
  readonly notes: readonly string[];
}

/** Header text with the unit: `p50 (ms)`. */
export function headerText(c: Column): string {
  return c.unit ? `${c.header} (${c.unit})` : c.header;
}

/** Formats one cell for humans: numbers with the column's digits, null as an empty string. */
export function formatCell(value: Cell | undefined, c: Column): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  const digits = c.digits ?? 2;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Markdown: `### title`, a pipe table (numbers right-aligned) and the notes as a list. */
export function tableToMarkdown(t: ReportTable): string {
  const lines = [`### ${escapeMarkdown(t.title)}`, ""];
  if (t.rows.length > 0) {
    lines.push(`| ${t.columns.map((c) => escapeMarkdown(headerText(c))).join(" | ")} |`);
    lines.push(`| ${t.columns.map((c) => (t.rows.some((r) => typeof r[c.key] === "number") ? "---:" : "---")).join(" | ")} |`);
    for (const r of t.rows) lines.push(`| ${t.columns.map((c) => escapeMarkdown(formatCell(r[c.key], c))).join(" | ")} |`);
    lines.push("");
  }
  for (const n of t.notes) lines.push(`- ${escapeMarkdown(n)}`);
  if (t.notes.length > 0) lines.push("");
  return lines.join("\n");
}

/** CSV (RFC 4180): header with units, raw numbers (full precision), empty for null; text that starts like a formula gets a leading `'`. */
export function tableToCsv(t: ReportTable): string {
  const lines = [t.columns.map((c) => csvCell(headerText(c))).join(",")];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(r[c.key])).join(","));
  return lines.join("\n") + "\n";
}

/** JSON: the table as data (id, title, columns, rows, notes). */
export function tableToJson(t: ReportTable): string {
  return JSON.stringify(t, null, 2) + "\n";
}

/** HTML `<section>` with the table and notes; every text is escaped. */
export function tableToHtml(t: ReportTable): string {
  const id = escapeHtml(t.id);
  const parts = [`<section class="table" id="table-${id}" data-table="${id}">`, `<h3>${escapeHtml(t.title)}</h3>`];
  if (t.rows.length > 0) {
    parts.push('<div class="scroll"><table>');
    parts.push(`<thead><tr>${t.columns.map((c) => `<th>${escapeHtml(headerText(c))}</th>`).join("")}</tr></thead><tbody>`);
    for (const r of t.rows) {
      parts.push(
        `<tr>${t.columns
          .map((c) => {
            const v = r[c.key];
            return `<td${typeof v === "number" ? ' class="num"' : ""}>${escapeHtml(formatCell(v, c))}</td>`;
          })
          .join("")}</tr>`,
      );
    }
    parts.push("</tbody></table></div>");
  }
  if (t.notes.length > 0) parts.push(`<ul class="notes">${t.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`);
  parts.push("</section>");
  return parts.join("\n");
}
