/** The INT8 tuner's choice in one line, for the "why" column of the FP32-vs-INT8 table. */
import { machineLabel, type TuningRecord } from "../formats/tuning-record.ts";

const x = (s: number | null) => (s === null ? "?" : `${s.toFixed(2)}x`);

/**
 * E.g. `tuned on cpu at batch 32 (1 intra-op thread(s)): chose image-convs-float (2.10x, float: conv_1) over all (1.22x), last-float (0.90x)`:
 * the chosen candidate with its paired speedup over FP32 and its float nodes, then the others; the machine it was tuned for
 * when the record names it, and a chosen INT8 slower than FP32 said so.
 */
export function tuningWhy(t: TuningRecord): string {
  const chosen = t.candidates.find((c) => c.name === t.chosen);
  const others = t.candidates.filter((c) => c.name !== t.chosen).map((c) => `${c.name} (${x(c.speedup)}${c.withinBudget ? "" : ", over accuracy budget"})`);
  const threads = t.intraOpThreads === 0 ? "ORT's default threads" : `${t.intraOpThreads} intra-op thread(s)`;
  const floats = chosen && chosen.floatNodes.length ? `, float: ${chosen.floatNodes.join(", ")}` : "";
  const at = chosen?.intraOpThreads === undefined ? "" : ` at ${chosen.intraOpThreads === 0 ? "ORT's default threads" : `${chosen.intraOpThreads} threads`}`;
  const where = t.machine ? `tuned for ${machineLabel(t.machine)} at batch ${t.batch}` : `tuned on ${t.ep} at batch ${t.batch} (${threads})`;
  const slower = chosen?.verdict === "slower" ? "; slower than FP32 there: INT8 does not pay for this model on that machine" : "";
  return `${where}: chose ${t.chosen} (${x(chosen?.speedup ?? null)}${at}${floats})` + (others.length ? ` over ${others.join(", ")}` : "") + slower;
}
