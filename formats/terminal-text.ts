/**
 * Names come from files (a file name, a model's `harness.model` metadata) and are data: an
 * ESC byte in one would set the window title or clear the screen. Text for the terminal
 * shows every control character as a visible `\xNN` instead.
 */

/** C0 controls except tab and newline, DEL, and the C1 controls (their 8-bit CSI/OSC forms). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** `text` with each control character (tab and newline kept) written as `\xNN`. */
export function visibleControls(text: string): string {
  return text.replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
