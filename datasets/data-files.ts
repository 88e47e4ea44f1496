/** File helpers shared by the dataset readers: reading with clear errors, gzip detection. */
import { access, readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

/** Error raised by a dataset reader; `path` is the file or folder at fault. */
export class DatasetError extends Error {
  /** The file or folder the error is about. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = "DatasetError";
    this.path = path;
  }
}

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns `bytes` gunzipped when they start with the gzip magic, else `bytes` unchanged.
 * @param path Used only in the error message.
 */
export function gunzipIfNeeded(bytes: Buffer, path: string): { data: Buffer; gzipped: boolean } {
  if (!isGzip(bytes)) return { data: bytes, gzipped: false };
  try {
    return { data: gunzipSync(bytes), gzipped: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(path, `"${path}": corrupt gzip data (${reason}). Re-download or re-install the file`);
  }
}

/**
 * Reads a whole file; a missing or unreadable file becomes a {@link DatasetError} that
 * names the file and ends with `fix` (how to get the file).
 */
export async function readDataFile(path: string, fix: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DatasetError(path, `"${path}": file not found. ${fix}`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(path, `"${path}": cannot read file (${reason}). ${fix}`);
  }
}

/** True when `path` exists (file or folder). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
