/**
 * Energy readers (profile/energy/) against a fake powercap tree in a temp dir (package and
 * DRAM zones, a core sub-zone that must not count twice, a counter wrap) and a fake
 * `nvidia-smi` script on PATH; and the unavailability reasons when nothing is readable.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { counterDeltaUj, findPowercapZones, openEnergyMeter, parseNvidiaSmi, queryNvidiaSmi } from "../profile/energy/index.ts";

async function zone(dir: string, name: string, energyUj: number, rangeUj = 262_143_328_850): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "name"), `${name}\n`);
  await writeFile(join(dir, "energy_uj"), `${energyUj}\n`);
  await writeFile(join(dir, "max_energy_range_uj"), `${rangeUj}\n`);
}

/** A two-socket Intel-like tree: package-0 (with core and dram sub-zones) and package-1. */
async function fakeTree(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "powercap-"));
  await zone(join(root, "intel-rapl:0"), "package-0", 1_000_000, 10_000_000);
  await zone(join(root, "intel-rapl:0", "intel-rapl:0:0"), "core", 500_000);
  await zone(join(root, "intel-rapl:0", "intel-rapl:0:1"), "dram", 2_000_000);
  await zone(join(root, "intel-rapl:1"), "package-1", 3_000_000);
  return root;
}

test("counter delta: plain difference, and one wrap at max_energy_range_uj", () => {
  assert.equal(counterDeltaUj(1_000, 4_500, 10_000), 3_500);
  assert.equal(counterDeltaUj(9_000, 500, 10_000), 1_500);
});

test("powercap tree: package and dram zones found, core left out (it is part of the package)", async () => {
  const root = await fakeTree();
  try {
    const zones = await findPowercapZones(root);
    assert.ok(Array.isArray(zones));
    assert.deepEqual(
      zones.map((z) => [z.path.slice(root.length), z.name, z.maxEnergyRangeUj]),
      [
        ["/intel-rapl:0", "package-0", 10_000_000],
        ["/intel-rapl:0/intel-rapl:0:1", "dram", 262_143_328_850],
        ["/intel-rapl:1", "package-1", 262_143_328_850],
      ],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("meter over the fake tree: joules per zone with a wrap, idle baseline subtracted", async () => {
  const root = await fakeTree();
  try {
    // during the 200 ms idle baseline package-0 uses 0.2 J (1 W); the other zones nothing
    const waitIdle = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      writeFileSync(join(root, "intel-rapl:0", "energy_uj"), "1200000\n");
    };
    const meter = await openEnergyMeter({ powercapRoot: root, nvidiaSmi: join(root, "no-such-nvidia-smi"), idleMs: 200, waitIdle });
    assert.equal(meter.available, true);
    const mark = await meter.start();
    // the timed block: package-0 wraps (1.2 J → 10 J range → 0.7 J: 9.5 J used), dram +0.5 J, package-1 +2 J
    await writeFile(join(root, "intel-rapl:0", "energy_uj"), "700000\n");
    await writeFile(join(root, "intel-rapl:0", "intel-rapl:0:1", "energy_uj"), "2500000\n");
    await writeFile(join(root, "intel-rapl:1", "energy_uj"), "5000000\n");
    const e = await meter.stop(mark, 1000);
    assert.ok(e.available);
    assert.deepEqual(
      e.domains.map((d) => [d.name, d.joules]),
      [
        ["package-0 (intel-rapl:0)", 9.5],
        ["dram (intel-rapl:0:1)", 0.5],
        ["package-1 (intel-rapl:1)", 2],
      ],
    );
    assert.equal(e.domains[0]?.idleWatts, 0.2 / e.idleSeconds);
    assert.equal(e.domains[1]?.idleWatts, 0);
    assert.equal(e.joules, 12);
    assert.equal(e.netJoules, 12 - (0.2 / e.idleSeconds) * e.seconds);
    assert.equal(e.joulesPerImage, e.netJoules / 1000);
    assert.equal(e.imagesPerJoule, 1000 / e.netJoules);
    assert.deepEqual(
      e.unavailable.map((u) => u.source),
      ["nvidia-smi"],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("nvidia-smi: parses the CSV query, N/A counters become null", () => {
  assert.deepEqual(parseNvidiaSmi("0, NVIDIA H200, 123456789, 75.25\n1, Tesla K80, [N/A], [Not Supported]\n"), [
    { index: 0, name: "NVIDIA H200", energyMj: 123_456_789, powerW: 75.25 },
    { index: 1, name: "Tesla K80", energyMj: null, powerW: null },
  ]);
});

test("fake nvidia-smi on PATH: GPU joules from total_energy_consumption, idle subtracted", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fake-smi-"));
  const savedPath = process.env.PATH;
  try {
    await writeFile(join(dir, "energy"), "5000\n");
    await writeFile(join(dir, "nvidia-smi"), `#!/bin/sh\necho "0, NVIDIA Fake GPU, $(cat ${dir}/energy), 40.00"\n`);
    await chmod(join(dir, "nvidia-smi"), 0o755);
    process.env.PATH = `${dir}:${savedPath ?? ""}`;
    const gpus = await queryNvidiaSmi();
    assert.deepEqual(gpus, [{ index: 0, name: "NVIDIA Fake GPU", energyMj: 5000, powerW: 40 }]);
    const meter = await openEnergyMeter({ powercapRoot: join(dir, "no-powercap"), idleMs: 50 });
    const mark = await meter.start();
    await writeFile(join(dir, "energy"), "35000\n"); // 30 J during the block
    const e = await meter.stop(mark, 300);
    assert.ok(e.available);
    assert.deepEqual(
      e.domains.map((d) => [d.name, d.joules, d.idleWatts]),
      [["gpu0 NVIDIA Fake GPU", 30, 0]],
    );
    assert.equal(e.joulesPerImage, 0.1);
    assert.equal(e.imagesPerJoule, 10);
    assert.equal(e.unavailable[0]?.source, "powercap");
  } finally {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  }
});

test("nothing readable: the meter says why and how to enable each source", async () => {
  const dir = await mkdtemp(join(tmpdir(), "no-energy-"));
  try {
    const meter = await openEnergyMeter({ powercapRoot: join(dir, "powercap"), nvidiaSmi: join(dir, "nvidia-smi"), idleMs: 10 });
    assert.equal(meter.available, false);
    const e = await meter.stop(await meter.start(), 10);
    assert.deepEqual(e, {
      available: false,
      unavailable: [
        {
          source: "powercap",
          reason: `Linux powercap (RAPL) is not present: ${dir}/powercap does not exist (no RAPL driver here: a virtual machine, a container without the host's /sys, or not Linux)`,
          fix: "on bare-metal Linux load the driver (sudo modprobe intel_rapl_msr; it serves Intel and AMD Zen CPUs); a VM or container cannot read the host's counters",
        },
        {
          source: "nvidia-smi",
          reason: `${dir}/nvidia-smi is not on PATH (no NVIDIA driver on this machine)`,
          fix: "on a machine with an NVIDIA GPU install its driver (nvidia-smi comes with it)",
        },
      ],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an energy_uj that cannot be read names the file and the permission fix", async () => {
  const root = await mkdtemp(join(tmpdir(), "powercap-bad-"));
  try {
    await mkdir(join(root, "intel-rapl:0", "energy_uj"), { recursive: true }); // a directory: EISDIR
    await writeFile(join(root, "intel-rapl:0", "name"), "package-0\n");
    assert.deepEqual(await findPowercapZones(root), {
      reason: `${root}/intel-rapl:0/energy_uj is not readable (EISDIR)`,
      fix: `make the counters readable: sudo chmod a+r ${root}/intel-rapl:*/energy_uj ${root}/intel-rapl:*/intel-rapl:*/energy_uj (until reboot; or a udev rule), or run the profiler as root`,
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test(
  "this machine: no powercap tree, so rows say energy is unavailable",
  { skip: existsSync("/sys/class/powercap") ? "this machine has /sys/class/powercap" : false },
  async () => {
    const meter = await openEnergyMeter({ idleMs: 10 });
    const e = await meter.stop(await meter.start(), 1);
    assert.equal(e.available, false);
    assert.match(e.unavailable[0]?.reason ?? "", /^Linux powercap \(RAPL\) is not present: \/sys\/class\/powercap does not exist/);
  },
);
