/**
 * The onnxruntime-node host of a measuring child's jobs that drive ORT sessions themselves
 * (ceiling ladders, load scenarios and their worker threads).
 */
import { childRunner } from "./child-runtime.ts";
import { nodeEpRunners } from "./ep-registry.ts";
import { nodeHostOf, type NodeSessionHost } from "./node-session.ts";

/** The onnxruntime-node host of EP `ep` (its built-in runner, or the one `HARNESS_EP_MODULE` names). */
export async function openNodeHost(ep: string): Promise<NodeSessionHost> {
  return nodeHostOf(await (await childRunner(ep, nodeEpRunners)).openHost({ models: [] }), ep);
}
