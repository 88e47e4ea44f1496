/**
 * NVIDIA facts, VRAM and energy through a fake `nvidia-smi` that behaves like the H200's
 * driver 580: a query naming `total_energy_consumption` fails as a whole, each other field
 * answers alone. Nothing else is lost: the facts, the per-process memory, and energy from
 * power.draw sampled and integrated. Also the CUDA probe's fix text (12 against 13).
 */
import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  cudaVersionOf,
  gpuMemoryUsedMiB,
  integratePower,
  nvidiaGpuFacts,
  processGpuMemoryMiB,
  queryGpuFields,
  queryNvidiaSmi,
} from "../profile/energy/nvidia-smi.ts";
import { openEnergyMeter } from "../profile/energy/energy-meter.ts";
import { mergeNvidia } from "../profile/hardware.ts";
import { cudaFix, providerCudaMajor, runtimeMajors } from "../profile/eps/cuda-libraries.ts";

/** A fake nvidia-smi: the H200's refusals, two GPUs' fields, a compute-apps list and a power loop. */
const FAKE = `#!/bin/bash
q=""; for a in "$@"; do case "$a" in --query-gpu=*) q="\${a#--query-gpu=}";; --query-compute-apps=*) echo "4242, 812"; echo "77, 100"; echo "4242, 20"; exit 0;; esac; done
if [ $# -eq 0 ]; then echo "| NVIDIA-SMI 580.159.04   Driver Version: 580.159.04   CUDA Version: 13.0 |"; exit 0; fi
if [[ "$q" == *total_energy_consumption* && "$q" == *,* ]]; then echo 'Field "total_energy_consumption" is not a valid field to query.' >&2; exit 2; fi
if [[ "$*" == *-lms* ]]; then for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo "400.00"; echo "100.00"; sleep 0.02; done; exit 0; fi
row() { local out=""; IFS=, read -ra fs <<< "$q"; for f in "\${fs[@]}"; do case "$f" in
  index) v=$1;; name) v="NVIDIA H200";; driver_version) v=580.159.04;; memory.total) v=143771;; memory.used) v=$2;;
  clocks.max.sm) v=1980;; clocks.max.memory) v=3201;; power.limit) v=700.00;; pcie.link.gen.max) v=5;; pcie.link.width.max) v=16;;
  pcie.link.gen.current) v=1;; pcie.link.width.current) v=16;; total_energy_consumption) v="[N/A]";; power.draw) v=$3;; *) v="[N/A]";; esac
  out="\${out:+$out, }$v"; done; echo "$out"; }
row 0 1000 400.00; row 1 500 100.00
`;

async function withFake(body: (smi: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "fake-smi-"));
  try {
    const smi = join(dir, "nvidia-smi");
    await writeFile(smi, FAKE);
    await chmod(smi, 0o755);
    await body(smi);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("nvidia-smi: a refused field fails the joint query, so each field is asked alone and nothing else is lost", async () => {
  await withFake(async (smi) => {
    const t = await queryGpuFields(["index", "name", "total_energy_consumption", "power.draw"], smi);
    assert.ok("gpus" in t);
    assert.deepEqual(t.gpus, [
      { index: "0", name: "NVIDIA H200", total_energy_consumption: null, "power.draw": "400.00" },
      { index: "1", name: "NVIDIA H200", total_energy_consumption: null, "power.draw": "100.00" },
    ]);
    assert.deepEqual(await queryNvidiaSmi(smi), [
      { index: 0, name: "NVIDIA H200", energyMj: null, powerW: 400 },
      { index: 1, name: "NVIDIA H200", energyMj: null, powerW: 100 },
    ]);
    assert.deepEqual(await gpuMemoryUsedMiB(smi), [1000, 500]);
  });
});

test("nvidia-smi facts: driver, memory, clocks, power limit, PCIe and the driver's CUDA; merged over systeminformation's unknown driver", async () => {
  await withFake(async (smi) => {
    const facts = await nvidiaGpuFacts(smi);
    assert.ok(Array.isArray(facts));
    assert.deepEqual(facts[0], {
      index: 0,
      name: "NVIDIA H200",
      driver: "580.159.04",
      memoryMiB: 143771,
      smClockMHz: 1980,
      memClockMHz: 3201,
      powerLimitW: 700,
      pcie: { genMax: 5, widthMax: 16, genNow: 1, widthNow: 16 },
      cudaDriverVersion: "13.0",
      refused: {},
    });
    const merged = mergeNvidia(
      [
        { model: "GH100 [H200 SXM]", vendor: "NVIDIA Corporation", driver: "unknown", vramMiB: null },
        { model: "ASPEED Graphics", vendor: "ASPEED", driver: "unknown", vramMiB: 64 },
      ],
      facts,
    );
    assert.deepEqual(
      merged.map((g) => [g.model, g.vendor, g.driver, g.vramMiB]),
      [
        ["NVIDIA H200", "NVIDIA", "580.159.04", 143771],
        ["NVIDIA H200", "NVIDIA", "580.159.04", 143771],
        ["ASPEED Graphics", "ASPEED", "unknown", 64],
      ],
    );
    assert.equal(cudaVersionOf("| NVIDIA-SMI 580   Driver Version: 580   CUDA Version: 12.8  |"), "12.8");
  });
});

test("nvidia-smi: a process's GPU memory summed over its contexts; null when it is not listed (a container's PIDs)", async () => {
  await withFake(async (smi) => {
    assert.equal(await processGpuMemoryMiB(4242, smi), 832);
    assert.equal(await processGpuMemoryMiB(9, smi), null);
  });
});

test("integratePower: the trapezoid over the samples inside the window, edges interpolated (J per GPU)", () => {
  const samples = [
    { t: 0, watts: [100, 10] },
    { t: 1000, watts: [300, 10] },
    { t: 2000, watts: [300, 30] },
  ];
  // GPU 0 from 500 ms (200 W) to 1500 ms (300 W): 0.5 s at mean 250 W + 0.5 s at 300 W = 275 J
  assert.deepEqual(integratePower(samples, 500, 1500), [275, 12.5]); // GPU 1: 0.5 s at 10 W + 0.5 s at mean(10, 20) W
  // outside the samples the nearest reading holds
  assert.deepEqual(integratePower(samples, 2000, 3000), [300, 30]);
  assert.deepEqual(integratePower([], 0, 1), []);
});

test("energy meter: with no energy counter the GPUs' power.draw is sampled and integrated, and the row says so", async () => {
  await withFake(async (smi) => {
    const meter = await openEnergyMeter({ powercapRoot: join(tmpdir(), "no-powercap-here"), nvidiaSmi: smi, idleMs: 100, powerPeriodMs: 20 });
    try {
      assert.equal(meter.available, true);
      const mark = await meter.start();
      await new Promise((r) => setTimeout(r, 150));
      const e = await meter.stop(mark, 10);
      assert.ok(e.available);
      assert.deepEqual(
        e.domains.map((d) => d.name),
        ["gpu0 NVIDIA H200 (power.draw sampled every 20 ms)", "gpu1 NVIDIA H200 (power.draw sampled every 20 ms)"],
      );
      // 400 W and 100 W held: joules = watts × seconds
      assert.equal((e.domains[0]!.joules / e.seconds).toFixed(0), "400");
      assert.equal((e.domains[1]!.joules / e.seconds).toFixed(0), "100");
      assert.match(
        e.unavailable.map((u) => u.reason).join(" "),
        /give no total_energy_consumption: their energy is power\.draw sampled every 20 ms and integrated/,
      );
    } finally {
      meter.close();
    }
  });
});

test("CUDA probe fix: names the CUDA the provider was built for against the machine's (12 vs 13), or the missing provider", () => {
  assert.equal(providerCudaMajor("...libcublasLt.so.12\0libcudart.so.12\0..."), 12);
  assert.equal(providerCudaMajor("no cuda here"), null);
  assert.deepEqual(
    runtimeMajors("\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.13\n", ["libcudart.so.13.0.48", "libcublas.so.13"]),
    [13],
  );
  assert.equal(
    cudaFix({ providerPresent: true, providerMajor: 12, runtimeMajors: [13], driverCuda: "13.0" }),
    "the CUDA EP was built for CUDA 12 (needs libcudart.so.12, cuBLAS and cuDNN 9 for CUDA 12); this machine has CUDA 13 (driver supports CUDA 13.0). " +
      "Install the CUDA 12 runtime libraries (e.g. the nvidia-*-cu12 Python wheels) and put their lib folders on LD_LIBRARY_PATH, " +
      "or use an ONNX Runtime CUDA EP built for the CUDA you have (npm run setup -- --cuda-ep <dir>)",
  );
  assert.equal(
    cudaFix({ providerPresent: false, providerMajor: null, runtimeMajors: [], driverCuda: "13.0" }),
    "onnxruntime-node was installed without its CUDA EP: run `npm run setup` (downloads onnxruntime-node's CUDA 12 EP), " +
      "or `npm run setup -- --cuda-ep <dir>` with a folder holding libonnxruntime_providers_cuda.so of the same ONNX Runtime version",
  );
  assert.equal(
    cudaFix({ providerPresent: true, providerMajor: 12, runtimeMajors: [], driverCuda: null }),
    "the CUDA EP needs an NVIDIA GPU and its driver (nvidia-smi does not answer here); on a machine with one, npm install sets the EP up (or npm run setup)",
  );
});
