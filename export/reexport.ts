/**
 * When a model is exported again: say why (which options changed), reuse an export that
 * already holds every requested precision with the same other options, and keep in
 * `export.json` the earlier precisions this export does not redo (their files stay valid
 * while weights.bin is unchanged).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { MODEL_FILES } from "../formats/model-dir.ts";
import { readExportRecord, type ExportRecord, type PrecisionRecord } from "../formats/export-record.ts";
import { freshExportRecord } from "./freshness.ts";

/** The record of the last export in `dir`, or undefined (none, or unreadable). */
export async function previousExport(dir: string): Promise<ExportRecord | undefined> {
  return readExportRecord(dir).catch(() => undefined);
}

/** `parityLimit: 64 → 32` for each option that differs. */
export function optionChanges(before: ExportRecord["options"], now: ExportRecord["options"]): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])] as (keyof ExportRecord["options"])[];
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k])).map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(now[k])}`);
}

/** Why the export is redone, naming the changed options when that is the reason. */
export function reexportReason(freshReason: string, before: ExportRecord | undefined, now: ExportRecord["options"]): string {
  if (!before || freshReason !== "the export options changed") return freshReason;
  return `the export options changed (${optionChanges(before.options, now).join("; ")})`;
}

/** The earlier record when it is fresh and holds every requested precision, with only the precision list differing; else undefined. */
export async function supersetExport(dir: string, before: ExportRecord | undefined, now: ExportRecord["options"]): Promise<ExportRecord | undefined> {
  if (!before) return undefined;
  const changes = optionChanges(before.options, now);
  if (changes.length !== 1 || !changes[0]!.startsWith("precisions:")) return undefined;
  if (!now.precisions.every((p) => before.precisions.some((r) => r.precision === p))) return undefined;
  const fresh = await freshExportRecord(dir, before.options);
  return "record" in fresh ? fresh.record : undefined;
}

/** The earlier precisions this export did not redo, kept while their files exist and weights.bin is older than the earlier record. */
export async function keptPrecisions(dir: string, before: ExportRecord | undefined, redone: readonly PrecisionRecord[]): Promise<PrecisionRecord[]> {
  if (!before) return [];
  const weights = await stat(join(dir, MODEL_FILES.weights)).then(
    (s) => s.mtimeMs,
    () => Number.POSITIVE_INFINITY,
  );
  if (weights >= Date.parse(before.createdAt)) return [];
  const kept: PrecisionRecord[] = [];
  for (const p of before.precisions) {
    if (redone.some((r) => r.precision === p.precision)) continue;
    const exists = await stat(join(dir, p.file)).then(
      () => true,
      () => false,
    );
    if (exists) kept.push(p);
  }
  return kept;
}
