/**
 * #23 case 1 and 5: an output folder that cannot be made fails at once with its reason and
 * the fix (Node 20's recursive mkdir spins forever on /proc and calls a read-only disk ENOENT).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ensureOutputDir, outputDirError } from "../formats/output-dir.ts";
import { runProfile } from "./profile-with-suite.ts";
import { writeReport } from "../reports/write-report.ts";

const PROC =
  'Cannot create the output folder "/proc/forbidden": "/proc" exists but does not accept new folders (ENOENT: a virtual file system such as /proc or /sys). Fix: give --out a folder you can write to.';
const ROOT = join(import.meta.dirname, "..");
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "output-dir-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("profile --out /proc/forbidden fails at once, naming the reason and the fix", { timeout: 10_000 }, async () => {
  await assert.rejects(
    runProfile({ onnx: ["x.onnx"], eps: ["cpu"], quick: true, out: "/proc/forbidden", progress: false, printTable: false, log: () => undefined }),
    { message: PROC },
  );
});

test("report --out /proc/forbidden fails at once, naming the reason and the fix", { timeout: 10_000 }, async () => {
  await assert.rejects(writeReport(join(dir, "no-run"), { outDir: "/proc/forbidden" }), { message: PROC });
});

test("deep paths, files in the way and every errno get a reason and the fix", { timeout: 10_000 }, async () => {
  await assert.rejects(ensureOutputDir("/proc/forbidden/a/b", "--out"), {
    message:
      'Cannot create the output folder "/proc/forbidden/a/b": "/proc" exists but does not accept new folders (ENOENT: a virtual file system such as /proc or /sys). Fix: give --out a folder you can write to.',
  });
  const file = join(dir, "a-file");
  await writeFile(file, "x");
  await assert.rejects(ensureOutputDir(join(file, "runs"), "--out"), {
    message: `Cannot create the output folder "${join(file, "runs")}": "${file}" is a file, not a folder (ENOTDIR). Fix: give --out a folder you can write to.`,
  });
  await assert.rejects(ensureOutputDir(file), {
    message: `Cannot create the output folder "${file}": "${file}" is a file, not a folder (ENOTDIR). Fix: choose a folder you can write to.`,
  });
  // A read-only folder that exists (root ignores modes, so the message is checked as data).
  assert.equal(
    outputDirError("/mnt/ro/runs/x", "EROFS", "/mnt/ro", "--out").message,
    'Cannot create the output folder "/mnt/ro/runs/x": "/mnt/ro" is on a read-only file system (EROFS). Fix: give --out a folder you can write to.',
  );
  assert.equal(
    outputDirError("/home/u/ro/x", "EACCES", "/home/u/ro", "--out").message,
    'Cannot create the output folder "/home/u/ro/x": no permission to write in "/home/u/ro" (EACCES). Fix: give --out a folder you can write to.',
  );
  const made = await ensureOutputDir(join(dir, "new", "deep", "er"));
  assert.ok((await stat(made)).isDirectory());
  assert.equal(await ensureOutputDir(made), made);
});

test("no source file calls mkdir(…, { recursive: true }): every output folder goes through ensureOutputDir", async () => {
  const offenders: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!["node_modules", "artifacts", "test", ".git", "tmp"].includes(e.name)) await walk(p);
      } else if (/\.(ts|js|mjs)$/.test(e.name) && !p.includes("generated")) {
        const text = await readFile(p, "utf8");
        if (/\bmkdir(Sync)?\([^;]*?recursive:\s*true/.test(text) && !p.endsWith("output-dir.ts")) offenders.push(relative(ROOT, p));
      }
    }
  }
  await walk(ROOT);
  assert.deepEqual(offenders, []);
});
