// A workflow check: documentation (CheckMeta) + one small function that drives the real
// stack through a WorkflowContext and says pass, fail or skip in one line.
import type { CheckMeta } from "../types.ts";
import type { WorkflowContext } from "./context.ts";

export interface Outcome {
  status: "pass" | "fail" | "skip";
  message: string;
}

export interface Workflow {
  meta: CheckMeta & { kind: "workflow" };
  service: string | null;
  run(ctx: WorkflowContext): Promise<Outcome>;
}

export const pass = (message: string): Outcome => ({ status: "pass", message });
export const fail = (message: string): Outcome => ({ status: "fail", message });
export const skip = (message: string): Outcome => ({ status: "skip", message });

export const rand = () => Math.random().toString(36).slice(2, 8);
