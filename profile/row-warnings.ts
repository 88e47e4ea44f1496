/**
 * Reading a row's warnings. Today they are strings; they may become objects
 * `{ code, text, figures }`: readers go through {@link warningText} so that change is one edit here.
 */
import type { OkRow } from "./results-schema.ts";

/** One warning as stored in a row. */
export type RowWarning = OkRow["warnings"][number];

/** The human-readable text of a row warning. */
export function warningText(warning: RowWarning): string {
  return warning;
}
