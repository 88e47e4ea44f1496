/** Markdown escaping for every name that comes from a model, a file or a run. */
import { visibleControls } from "../formats/terminal-text.ts";

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * `text` as one line of Markdown that renders as the same text: `& < >` as entities (no raw
 * HTML such as `<img onerror>` reaches a viewer), `\ | [ ] `` ` `` backslash-escaped (no table
 * cell split, link or code span), control characters as `\xNN`, newlines as spaces.
 */
export function escapeMarkdown(text: string): string {
  return visibleControls(text.replace(/\r?\n/g, " "))
    .replace(/[\\|[\]`]/g, (ch) => `\\${ch}`)
    .replace(/[&<>]/g, (ch) => ENTITIES[ch] ?? ch);
}
