// The verification pipeline as one ordered list of steps, free of Dagger and of Docker, so
// that both runners take it from here: `apex verify --hermetic` (src/hermetic/run.ts, plain
// Docker) and the Dagger module (ci/src/engine.ts). Each runner says how it does a step;
// neither decides which steps there are or in which order (ci/test/steps.test.ts proves it).
import { apexArgv, REPORT_DIR } from "./commands.js";

export const VERIFY_STEPS = [
  "ci-images", // toolbox and engine from ci/images/<name>, FROM BASE_IMAGE
  "bundle", // api/worker bundles (services/*/dist) the service images copy
  "service-images", // every services/<name>/Dockerfile
  "engine", // a fresh engine of this run, dockerd answering
  "load-images", // the service images into the engine
  "verify", // apex verify --no-build in the toolbox against the engine
  "report", // the report directory out of the toolbox
] as const;
export type VerifyStep = (typeof VERIFY_STEPS)[number];

/** How one runner does each step; "skipped" when a caller's choice leaves it out. */
export type StepImpls = Record<VerifyStep, () => Promise<void | "skipped"> | void | "skipped">;

/** Runs every step in VERIFY_STEPS order, telling `onStep` before each starts. */
export async function runSteps(impls: StepImpls, onStep: (s: VerifyStep) => void = () => undefined): Promise<void> {
  for (const s of VERIFY_STEPS) {
    onStep(s);
    await impls[s]();
  }
}

/** The caller's choices the inner verify passes on (the hermetic CLI's; Dagger's defaults). */
export interface VerifyChoices {
  compose?: string[];
  profile?: string[];
  format?: string[];
  exemptions?: string;
  skipWorkflows?: boolean;
  quiet?: boolean;
}

/** The inner `apex verify --no-build --out <out> ...`: images are already in the engine. */
export function verifyArgv(c: VerifyChoices = {}, out = REPORT_DIR): string[] {
  const argv = apexArgv(["verify", "--no-build"], out);
  if (c.format?.length) argv.push("--format", c.format.join(","));
  for (const f of c.compose ?? []) argv.push("-f", f);
  for (const p of c.profile ?? []) argv.push("--profile", p);
  if (c.exemptions) argv.push("--exemptions", c.exemptions);
  if (c.skipWorkflows) argv.push("--skip-workflows");
  if (c.quiet) argv.push("--quiet");
  return argv;
}
