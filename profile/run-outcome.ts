/** Whether a finished run measured anything: the profile command exits non-zero when not. */
import type { RunResults } from "../formats/run/results-schema.ts";

/**
 * The message to print (and exit 1 with) when no row of the run is `ok`, naming how many
 * rows errored and were skipped; undefined when at least one row is ok.
 */
export function noOkRowsMessage(results: Pick<RunResults, "rows">): string | undefined {
  if (results.rows.some((r) => r.state === "ok")) return undefined;
  const errored = results.rows.filter((r) => r.state === "errored").length;
  const skipped = results.rows.filter((r) => r.state === "skipped").length;
  return (
    `error: no row was measured (${errored} errored, ${skipped} skipped of ${results.rows.length}); exit status 1. ` +
    "The table above and results.json give each row's error or reason."
  );
}
