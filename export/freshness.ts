/** Skip-if-fresh: an export.json newer than weights.bin, made with the same options, whose files all exist, is reused. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { MODEL_FILES } from "../formats/model-dir.ts";
import { EXPORT_RECORD_FILE, parseExportRecord, type ExportRecord } from "../formats/export-record.ts";
import { readFile } from "node:fs/promises";

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The existing record when it can be reused for `options`, else the reason it cannot
 * (missing, older than weights.bin, other options, a file gone, unreadable).
 */
export async function freshExportRecord(dir: string, options: ExportRecord["options"]): Promise<{ record: ExportRecord } | { reason: string }> {
  const recordPath = join(dir, EXPORT_RECORD_FILE);
  const recordTime = await mtimeMs(recordPath);
  if (recordTime === undefined) return { reason: `no ${EXPORT_RECORD_FILE} yet` };
  const weightsTime = await mtimeMs(join(dir, MODEL_FILES.weights));
  if (weightsTime === undefined || weightsTime >= recordTime) return { reason: `${MODEL_FILES.weights} is newer than ${EXPORT_RECORD_FILE}` };
  let record: ExportRecord;
  try {
    record = parseExportRecord(JSON.parse(await readFile(recordPath, "utf8")), recordPath);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  if (JSON.stringify(record.options) !== JSON.stringify(options)) return { reason: "the export options changed" };
  for (const p of record.precisions) {
    if ((await mtimeMs(join(dir, p.file))) === undefined) return { reason: `${p.file} is missing` };
  }
  return { record };
}
