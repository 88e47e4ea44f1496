import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { SWIFTSHADER_ICD } from "../profile/eps/webgpu-ep.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile } from "./profile-with-suite.ts";

const FAST = {
  rowBudgetMs: 300,
  warmupTimeMs: 5,
  warmupIterations: 1,
  minTimeMs: 20,
  minIterations: 3,
  profileIterations: 2,
  profileBudgetMs: 300,
  accuracyBudgetMs: 500,
};
const skip = existsSync(SWIFTSHADER_ICD) || process.env.VK_ICD_FILENAMES ? false : `no Vulkan ICD: ${SWIFTSHADER_ICD} is absent (apt-get install chromium)`;

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-webgpu-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("the webgpu EP runs a small model through SwiftShader, with adapter facts and per-op times", { skip }, async () => {
  const model = join(dir, "tiny.onnx");
  await writeOnnx(model, buildTinyClassifier());
  const run = await runProfile({
    onnx: [model],
    eps: ["webgpu"],
    batches: [1, 2],
    quick: true,
    measure: FAST,
    out: join(dir, "out"),
    progress: false,
    printTable: false,
    log: () => undefined,
  });
  const ep = run.results.eps[0];
  assert.equal(ep?.state, "available", JSON.stringify(ep));
  if (ep?.state === "available") {
    assert.equal(ep.facts.softwareFallback, "yes");
    assert.equal(ep.facts.architecture, "swiftshader (CPU)");
    assert.equal(ep.facts.ortVersion, "1.30.0");
  }
  assert.deepEqual(
    run.results.rows.map((r) => [r.key, r.state]),
    [
      ["tiny|fp32|webgpu|1", "ok"],
      ["tiny|fp32|webgpu|2", "ok"],
    ],
  );
  const first = run.results.rows[0];
  if (first?.state === "ok") {
    assert.ok(first.latency.p50 > 0);
    assert.ok(first.ops && first.ops.some((o) => o.provider === "webgpu"), JSON.stringify(first.ops));
    assert.ok(first.peakRssMiB > first.baselineRssMiB);
  }
});
