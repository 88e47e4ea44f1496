/**
 * #23 case 6: two processes never share a run dir. Two runs started in the same second get
 * two dirs; a second `--resume` of a dir in use stops naming the holder; a lock left by a
 * killed process is taken over.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createRunDir, RunStore } from "../profile/run-store.ts";
import { LOCK_FILE, lockRunDir } from "../profile/run-lock.ts";
import { planJob, testPlan } from "./fixtures/run-records.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "run-lock-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("two runs started in the same second get two run dirs", async () => {
  const now = new Date("2026-01-02T03:04:05.678Z");
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_") || "host";
  const a = await createRunDir(join(dir, "out"), now);
  const b = await createRunDir(join(dir, "out"), now);
  assert.deepEqual([a.runId, b.runId], [`2026-01-02T03-04-05Z-${host}`, `2026-01-02T03-04-05Z-${host}-2`]);
});

test("a second process on a run dir in use stops, naming the holder and the fix; after release it may", async () => {
  const { runId, ...plan } = testPlan([planJob("m", "fp32")]);
  void runId;
  const first = await RunStore.create(join(dir, "out2"), plan, 1);
  const lock = join(first.dir, LOCK_FILE);
  const held = JSON.parse(await readFile(lock, "utf8")) as { pid: number; host: string; since: string };
  assert.deepEqual([held.pid, held.host], [process.pid, hostname()]);
  await assert.rejects(RunStore.open(first.dir), {
    message:
      `Run dir "${first.dir}" is in use by process ${process.pid} on ${hostname()} since ${held.since}: two processes measuring one run would record rounds twice. ` +
      `Wait for it to finish, or, if that process is gone, delete ${lock}.`,
  });
  await first.release();
  const second = await RunStore.open(first.dir);
  await second.release();
});

test("a lock left by a killed process on this host is taken over; one from another host is not", async () => {
  const { pid } = spawnSync(process.execPath, ["-e", ""]);
  const d = (await createRunDir(join(dir, "stale2"))).dir;
  await writeFile(join(d, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: "then" }));
  const release = await lockRunDir(d);
  assert.equal((JSON.parse(await readFile(join(d, LOCK_FILE), "utf8")) as { pid: number }).pid, process.pid);
  await release();
  await writeFile(join(d, LOCK_FILE), JSON.stringify({ pid, host: "node07", since: "then" }));
  await assert.rejects(lockRunDir(d), {
    message: `Run dir "${d}" is in use by process ${pid} on node07 since then: two processes measuring one run would record rounds twice. Wait for it to finish, or, if that process is gone (it ran on another host), delete ${join(d, LOCK_FILE)}.`,
  });
});
