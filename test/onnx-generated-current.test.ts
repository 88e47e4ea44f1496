/**
 * formats/onnx/generated/ is current: `npm run gen:onnx` (the command in package.json, run
 * into a temporary directory) reproduces onnx-pb.js and onnx-pb.d.ts byte for byte from
 * onnx.proto, and onnx.proto is the file generated/README.md names (by sha256).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;
const GEN = "formats/onnx/generated";

/** 1-based line of the first difference between two texts. */
function firstDifferentLine(a: string, b: string): number {
  const x = a.split("\n");
  const y = b.split("\n");
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}

test("npm run gen:onnx regenerates formats/onnx/generated/onnx-pb.js and onnx-pb.d.ts unchanged", { timeout: 120_000 }, async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const script = pkg.scripts["gen:onnx"] ?? "";
  const dir = await mkdtemp(join(tmpdir(), "gen-onnx-"));
  try {
    // the same command, writing into `dir` (the source stays formats/onnx/generated/onnx.proto)
    const command = script.replaceAll(`${GEN}/onnx-pb.`, `${dir}/onnx-pb.`);
    assert.ok(
      command !== script && command.includes(`${GEN}/onnx.proto`),
      `package.json's gen:onnx does not write ${GEN}/onnx-pb.js from ${GEN}/onnx.proto: ${script}`,
    );
    const env = { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}` };
    await promisify(execFile)("sh", ["-c", command], { cwd: ROOT, env });
    for (const file of ["onnx-pb.js", "onnx-pb.d.ts"]) {
      const fresh = await readFile(join(dir, file), "utf8");
      const committed = await readFile(join(ROOT, GEN, file), "utf8");
      if (fresh !== committed) {
        assert.fail(
          `${GEN}/${file} is stale: \`npm run gen:onnx\` makes a different file from ${GEN}/onnx.proto ` +
            `(first difference at line ${firstDifferentLine(fresh, committed)}). Run \`npm run gen:onnx\` and commit the result; ` +
            `never edit the generated files by hand (see ${GEN}/README.md).`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("formats/onnx/generated/onnx.proto is the file its README names (sha256)", async () => {
  const readme = await readFile(join(ROOT, GEN, "README.md"), "utf8");
  const recorded = /sha256 of onnx\.proto: ([0-9a-f]{64})/.exec(readme)?.[1];
  assert.ok(recorded, `${GEN}/README.md records no "sha256 of onnx.proto: <hex>" line`);
  const actual = createHash("sha256")
    .update(await readFile(join(ROOT, GEN, "onnx.proto")))
    .digest("hex");
  assert.equal(
    actual,
    recorded,
    `${GEN}/onnx.proto (sha256 ${actual}) is not the file ${GEN}/README.md names (${recorded}): say where the new one comes from ` +
      `in the README, update its sha256 there, then run \`npm run gen:onnx\` and commit the result.`,
  );
});
