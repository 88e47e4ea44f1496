/** The CPU EP of onnxruntime-node: always bundled. */
import { cpus } from "node:os";
import type { EpRunner } from "../ep-runner.ts";
import { ortVersion, tryProbeSession } from "./ort-probe.ts";

/** Runner for onnxruntime-node's CPU EP. */
export const cpuEp: EpRunner = {
  name: "cpu",
  childEnv: () => ({}),
  sessionOptions: () => ({ executionProviders: ["cpu"] }),
  async probe() {
    const error = await tryProbeSession({ executionProviders: ["cpu"] });
    if (error) return { available: false, reason: `CPU EP failed to start: ${error.message}`, fix: "reinstall onnxruntime-node (npm ci)" };
    return { available: true, facts: { ortVersion: ortVersion(), device: cpus()[0]?.model.trim() ?? "unknown", threads: String(cpus().length) } };
  },
};
