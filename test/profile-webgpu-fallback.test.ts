import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { SWIFTSHADER_ICD, SWIFTSHADER_LABEL, createWebgpuEp, webgpuProbeEnvs, type VulkanPaths } from "../profile/eps/webgpu-ep.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile } from "./profile-with-suite.ts";

let dir = "";
let paths: VulkanPaths;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "webgpu-fallback-"));
  paths = {
    libDirs: [join(dir, "lib")],
    icdDirs: [join(dir, "icd.d")],
    swiftshaderIcd: join(dir, "chromium", "vk_swiftshader_icd.json"),
    chromiumDir: join(dir, "chromium"),
  };
  await mkdir(join(dir, "lib"), { recursive: true });
  await writeFile(join(dir, "lib", "libvulkan.so.1"), "");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("with a system ICD and SwiftShader, the system's drivers are probed first and SwiftShader second", async () => {
  await mkdir(join(dir, "icd.d"), { recursive: true });
  await mkdir(join(dir, "chromium"), { recursive: true });
  await writeFile(join(dir, "icd.d", "lvp_icd.x86_64.json"), "{}");
  await writeFile(paths.swiftshaderIcd, "{}");
  assert.deepEqual(webgpuProbeEnvs({ XDG_RUNTIME_DIR: "/run/user/0" }, paths), [
    { label: `system Vulkan drivers (${join(dir, "icd.d", "lvp_icd.x86_64.json")})`, env: {} },
    { label: SWIFTSHADER_LABEL, env: { VK_ICD_FILENAMES: paths.swiftshaderIcd } },
  ]);
  // The user's VK_ICD_FILENAMES replaces the system's drivers, still with SwiftShader behind it.
  assert.deepEqual(
    webgpuProbeEnvs({ XDG_RUNTIME_DIR: "/run/user/0", VK_ICD_FILENAMES: "/x/my.json" }, paths).map((c) => c.label),
    ["VK_ICD_FILENAMES=/x/my.json", SWIFTSHADER_LABEL],
  );
  await rm(join(dir, "icd.d"), { recursive: true });
  // No system ICD: SwiftShader alone.
  assert.deepEqual(
    webgpuProbeEnvs({ XDG_RUNTIME_DIR: "/run/user/0" }, paths).map((c) => c.label),
    [SWIFTSHADER_LABEL],
  );
  await rm(join(dir, "chromium"), { recursive: true });
  assert.deepEqual(
    webgpuProbeEnvs({ XDG_RUNTIME_DIR: "/run/user/0" }, paths).map((c) => c.label),
    ["system (no Vulkan ICD found)"],
  );
});

const skip = existsSync(SWIFTSHADER_ICD) ? false : `${SWIFTSHADER_ICD} is absent (apt-get install chromium)`;

test("when the first Vulkan driver gives Dawn no adapter, the run falls back to SwiftShader and records both", { skip }, async () => {
  // A driver manifest whose library does not exist stands for any ICD Dawn cannot use (e.g. Debian 12's lavapipe).
  const broken = join(dir, "broken_icd.json");
  await writeFile(broken, JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: join(dir, "no-such-driver.so"), api_version: "1.3.0" } }));
  const model = join(dir, "tiny.onnx");
  await writeOnnx(model, buildTinyClassifier());
  const run = await runProfile(
    {
      onnx: [model],
      eps: ["webgpu"],
      batches: [1],
      quick: true,
      measure: {
        rowBudgetMs: 300,
        warmupTimeMs: 5,
        warmupIterations: 1,
        minTimeMs: 20,
        minIterations: 3,
        profileIterations: 2,
        profileBudgetMs: 300,
        accuracyBudgetMs: 500,
      },
      out: join(dir, "out"),
      progress: false,
      printTable: false,
      log: () => undefined,
    },
    { runners: [createWebgpuEp({ ...process.env, VK_ICD_FILENAMES: broken })] },
  );
  const ep = run.results.eps[0];
  assert.equal(ep?.state, "available", JSON.stringify(ep));
  if (ep?.state === "available") {
    assert.equal(ep.facts.served, SWIFTSHADER_LABEL);
    assert.equal(ep.facts.icd, SWIFTSHADER_ICD);
    assert.match(ep.facts.fallbackFrom ?? "", new RegExp(`^VK_ICD_FILENAMES=${broken.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: no WebGPU adapter`));
  }
  assert.deepEqual(
    run.results.rows.map((r) => [r.key, r.state]),
    [["tiny|fp32|webgpu|1", "ok"]],
  );
});
