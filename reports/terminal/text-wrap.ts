/** Word-wrapping for terminal output. */

/**
 * Wraps `text` at spaces so no line is longer than `width` columns (a word longer than
 * the width is cut); the first line starts with `first`, the others with `indent`.
 */
export function wrapText(text: string, width: number, indent = "  ", first = ""): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const prefix = out.length === 0 ? first : indent;
    const candidate = line ? `${line} ${word}` : `${prefix}${word}`;
    if (candidate.length <= width || !line) {
      line = candidate.length > width ? candidate.slice(0, width) : candidate;
      continue;
    }
    out.push(line);
    line = `${indent}${word}`.slice(0, width);
  }
  if (line) out.push(line);
  return out.join("\n");
}
