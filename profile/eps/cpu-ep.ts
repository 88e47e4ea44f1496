/** The CPU EP of onnxruntime-node: always bundled. */
import { cpus } from "node:os";
import type { EpFacts, EpRunner } from "../ep-runner.ts";
import { ortDefaultIntraOpThreads, readCpuTopology, type OrtDefaultThreads } from "../cpu-topology.ts";
import { readBackOrtDefaultThreads } from "../ort-thread-readback.ts";
import { ortVersion, tryProbeSession } from "./ort-probe.ts";
import { NodeSessionHost, type NodeEpSpec } from "../node-session.ts";

/** ORT's default intra-op pool size recorded in the CPU EP's facts by its probe; predicted from this machine's topology when the facts lack it (older runs). */
export function ortDefaultFromFacts(facts: EpFacts | undefined): OrtDefaultThreads {
  const n = Number(facts?.ortDefaultThreads);
  if (Number.isInteger(n) && n >= 1) return { threads: n, from: facts?.ortDefaultThreadsFrom === "read back" ? "read back" : "predicted" };
  return ortDefaultIntraOpThreads(readCpuTopology());
}

/** How onnxruntime-node's CPU EP is selected; its timed sessions read back their intra-op pool. */
export const CPU_EP_SPEC: NodeEpSpec = { name: "cpu", options: { executionProviders: ["cpu"] }, onGpu: false, readsPool: true };

/** Runner for onnxruntime-node's CPU EP. */
export const cpuEp: EpRunner = {
  name: "cpu",
  childEnv: () => ({}),
  openHost: async (request) => new NodeSessionHost(CPU_EP_SPEC, request),
  async probe() {
    const error = await tryProbeSession({ executionProviders: ["cpu"] });
    if (error) return { available: false, reason: `CPU EP failed to start: ${error.message}`, fix: "reinstall onnxruntime-node (npm ci)" };
    const topology = readCpuTopology();
    const ortDefault = ortDefaultIntraOpThreads(topology, await readBackOrtDefaultThreads());
    return {
      available: true,
      facts: {
        ortVersion: ortVersion(),
        device: cpus()[0]?.model.trim() ?? "unknown",
        threads: String(cpus().length),
        physicalCores: topology.physicalCores === null ? "unknown" : String(topology.physicalCores),
        ortDefaultThreads: String(ortDefault.threads),
        ortDefaultThreadsFrom: ortDefault.from,
      },
    };
  },
};
