/**
 * CSV cells that are safe to open in a spreadsheet. Names in results come from files
 * (a model called `=HYPERLINK(…).onnx`), so text that a spreadsheet would run as a formula
 * is neutralised as OWASP's CSV-injection guidance says: a text cell starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return gets a leading `'`. Numbers are written as numbers.
 */

/** Characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text with a leading `'` when it starts like a formula; other text unchanged. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 quoting: quoted when the text holds a quote, comma, CR or LF. */
export function quoteCsv(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV cell: empty for null/undefined, numbers as given by `formatNumber` (default
 * `String`), any other value as neutralised, quoted text.
 */
export function csvCell(value: unknown, formatNumber: (n: number) => string = String): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return quoteCsv(formatNumber(value));
  return quoteCsv(neutraliseFormula(String(value)));
}
