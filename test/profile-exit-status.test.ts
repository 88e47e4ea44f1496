import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir = "";
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("npm run profile exits 1 and says so when no row is ok", async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-exit-"));
  const bad = join(dir, "bad.onnx");
  await writeFile(bad, "not onnx");
  const cli = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "cli/main.ts",
      "profile",
      "--onnx",
      bad,
      "--eps",
      "cpu",
      "--batch",
      "1",
      "--quick",
      "--no-report",
      "--no-progress",
      "--out",
      join(dir, "out"),
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stdout, /^1 row errored: "[^"]*bad\.onnx" is not a valid ONNX model/m);
  assert.equal(
    cli.stderr.trim().split("\n").pop(),
    "error: no row was measured (1 errored, 0 skipped of 1); exit status 1. The table above and results.json give each row's error or reason.",
  );
});
