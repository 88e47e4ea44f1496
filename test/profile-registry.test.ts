import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { childRunner } from "../profile/child-runtime.ts";
import { defaultEpRegistry, describeSkippedEps, resolveEps, selectEps, type EpRegistry } from "../profile/ep-registry.ts";
import type { EpRunner } from "../profile/ep-runner.ts";
import { FAULTY_EP_MODULE, faultyCpuEp } from "./fixtures/faulty-ep.ts";

function fake(name: string, probe: EpRunner["probe"]): EpRunner {
  return { name, childEnv: () => ({}), probe, openHost: () => Promise.reject(new Error("a fake EP opens no sessions")) };
}

const registry: EpRegistry = {
  runners: [
    fake("alpha", async () => ({ available: true, facts: { device: "fake-a" } })),
    fake("beta", async () => ({ available: false, reason: "no beta device", fix: "install beta" })),
    fake("gamma", async () => {
      throw new Error("driver exploded");
    }),
  ],
};

test("the default registry lists cpu, cuda, webgpu, browser-wasm, browser-webgpu in table order", () => {
  assert.deepEqual(
    defaultEpRegistry().runners.map((r) => r.name),
    ["cpu", "cuda", "webgpu", "browser-wasm", "browser-webgpu"],
  );
});

test("no --eps selects every registered EP", () => {
  assert.deepEqual(
    selectEps(registry).map((r) => r.name),
    ["alpha", "beta", "gamma"],
  );
  assert.deepEqual(
    selectEps(registry, []).map((r) => r.name),
    ["alpha", "beta", "gamma"],
  );
});

test("--eps keeps table order and accepts comma lists and case", () => {
  assert.deepEqual(
    selectEps(registry, "gamma,ALPHA").map((r) => r.name),
    ["alpha", "gamma"],
  );
  assert.deepEqual(
    selectEps(registry, ["beta", "alpha"]).map((r) => r.name),
    ["alpha", "beta"],
  );
});

test("an unknown EP names the value and lists the valid ones", () => {
  assert.throws(() => selectEps(defaultEpRegistry(), "cudaa"), {
    message: 'Unknown EP "cudaa". Expected one of: cpu, cuda, webgpu, browser-wasm, browser-webgpu. Did you mean "cuda"?',
  });
  assert.throws(() => selectEps(registry, "alpha,x,y"), {
    message: 'Unknown EPs "x", "y". Expected one of: alpha, beta, gamma',
  });
});

test("the resolver collects every failure instead of stopping at the first", async () => {
  const statuses = await resolveEps(registry.runners);
  assert.deepEqual(statuses, [
    { name: "alpha", state: "available", facts: { device: "fake-a" } },
    { name: "beta", state: "skipped", reason: "no beta device", fix: "install beta" },
    { name: "gamma", state: "skipped", reason: "probe failed: driver exploded", fix: "run with DEBUG=1 for details" },
  ]);
  assert.equal(
    describeSkippedEps(statuses),
    "[beta] no beta device Fix: install beta\n[gamma] probe failed: driver exploded Fix: run with DEBUG=1 for details",
  );
});

test("the resolver uses the given probe function (the profiler probes in a child)", async () => {
  const seen: string[] = [];
  const statuses = await resolveEps(registry.runners.slice(0, 2), async (r) => {
    seen.push(r.name);
    return { available: true, facts: { via: "child" } };
  });
  assert.deepEqual(seen, ["alpha", "beta"]);
  assert.deepEqual(
    statuses.map((s) => s.state),
    ["available", "available"],
  );
});

test("the cpu EP probes available with the ORT version", async () => {
  const cpu = defaultEpRegistry().runners[0]!;
  const probe = await cpu.probe();
  assert.equal(probe.available, true);
  if (probe.available) assert.equal(probe.facts.ortVersion, "1.30.0");
});

test("the cuda EP without its binaries is unavailable with the install fix", async () => {
  const cuda = defaultEpRegistry().runners[1]!;
  const probe = await cuda.probe();
  if (probe.available) return; // a CUDA machine
  assert.equal(
    probe.fix,
    "the CUDA EP needs an NVIDIA GPU and its driver (nvidia-smi does not answer here); on a machine with one, npm install sets the EP up (or npm run setup)",
  );
  assert.match(probe.reason, /^CUDA EP not available: /);
});

test("a child finds its runner in the built-in table, or as the default export of the module HARNESS_EP_MODULE names", async () => {
  assert.equal(await childRunner("beta", registry.runners, {}), registry.runners[1]);
  await assert.rejects(childRunner("delta", registry.runners, {}), { message: 'Unknown EP "delta". Expected one of: alpha, beta, gamma' });
  assert.equal(await childRunner("cpu", [], { HARNESS_EP_MODULE: FAULTY_EP_MODULE }), faultyCpuEp);
  assert.equal(await childRunner("cpu", [], { HARNESS_EP_MODULE: pathToFileURL(FAULTY_EP_MODULE).href }), faultyCpuEp);
  await assert.rejects(childRunner("cuda", [], { HARNESS_EP_MODULE: FAULTY_EP_MODULE }), {
    message: `EP module ${FAULTY_EP_MODULE} (HARNESS_EP_MODULE) must export as default the runner of "cuda"; its default export is "cpu"`,
  });
  const missing = "/nonexistent/ep-module.ts";
  const importer = fileURLToPath(new URL("../profile/child-runtime.ts", import.meta.url));
  await assert.rejects(childRunner("cpu", [], { HARNESS_EP_MODULE: missing }), {
    message: `EP module ${missing} (HARNESS_EP_MODULE) cannot be loaded: Cannot find module '${missing}' imported from ${importer}. Point HARNESS_EP_MODULE at a module whose default export is an EP runner, or unset it to use the built-in EPs`,
  });
});
