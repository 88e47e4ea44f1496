/**
 * One process per run dir: `<run dir>/run.lock` names the process that holds it (pid, host,
 * since). A second profile on the same dir (two `--resume`s) stops with who holds it; a lock
 * whose process is gone on this host is taken over, since a SIGKILL leaves it behind.
 */
import { open, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/** The lock file's name inside a run dir. */
export const LOCK_FILE = "run.lock";

/** What the lock file holds. */
interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** True when `pid` is a live process here (EPERM: alive, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  try {
    const file = await open(path, "wx");
    await file.writeFile(JSON.stringify(info) + "\n");
    await file.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

/**
 * Takes the run dir's lock for this process; returns its release. Throws naming the holder
 * and the fix when another live process (or one on another host) holds it.
 */
export async function lockRunDir(
  dir: string,
  self: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() },
): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const release = () => rm(path, { force: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(path, self)) return release;
    const held = await readFile(path, "utf8").then(
      (t) => JSON.parse(t) as Partial<LockInfo>,
      () => ({}) as Partial<LockInfo>,
    );
    const sameHost = held.host === self.host;
    if (sameHost && typeof held.pid === "number" && !alive(held.pid)) {
      await rm(path, { force: true }); // left by a process that was killed
      continue;
    }
    throw new Error(
      `Run dir "${dir}" is in use by process ${held.pid ?? "?"} on ${held.host ?? "?"} since ${held.since ?? "?"}: two processes measuring one run would record rounds twice. ` +
        `Wait for it to finish, or, if that process is gone${sameHost ? "" : " (it ran on another host)"}, delete ${path}.`,
    );
  }
  throw new Error(`Cannot take the lock ${path}: it reappeared while a stale one was removed; retry.`);
}
