// `apex verify --hermetic`: the Dagger pipeline's topology with plain Docker, step by step
// as ci/src/steps.ts lists them (the Dagger module runs the same list). The host builds
// the stack's images and the two ci images (FROM BASE_IMAGE, nothing else pulled); a fresh
// engine gets the images (docker save streamed into docker load), and the toolbox runs
// `apex verify --no-build` against it with the workspace at the same path. The report is
// copied out; everything the run made is removed, also on failure, Ctrl-C and SIGTERM.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { runSteps, verifyArgv, type StepImpls, type VerifyStep } from "../../ci/src/steps.ts";
import { killRunning, mustSucceed } from "../docker.ts";
import { UsageError } from "../errors.ts";
import { engineVariables } from "../report/environment.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import { prepareInputs } from "../stack/host.ts";
import { build } from "../stack/lifecycle.ts";
import type { VerifyOptions } from "../commands/verify.ts";
import { buildCiImage, inToolbox, loadIntoEngine, startEngine, teardown } from "./engine.ts";
import { engineStorage } from "./storage.ts";
import { topology, type EnginePrivileges, type ToolboxWorkspace } from "./topology.ts";

export const DEFAULT_BASE_IMAGE = "debian:trixie-slim";

/** The inner command line: the caller's choices, images already loaded, report to `out`. */
export const innerVerifyArgv = (opts: VerifyOptions, out: string) => verifyArgv(opts, out);

/** The images compose builds for this stack (what verify --no-build requires). */
async function builtImages(opts: VerifyOptions): Promise<string[]> {
  const model = await loadResolvedCompose({ files: opts.compose, profiles: opts.profile });
  return [...new Set(Object.values(model.services).filter((s) => s.build && s.image).map((s) => s.image!))].sort();
}

/** The repository's common git dir when this checkout is a worktree whose .git lies elsewhere. */
function gitCommonDir(ws: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd: ws, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined; // not a git checkout: the report says commit null, as on the host
  }
}

export async function runHermetic(opts: VerifyOptions): Promise<number> {
  if (opts.out === "-") throw new UsageError("--hermetic writes its report to a directory: give --out DIR, not -");
  if (opts.keep) throw new UsageError("--hermetic always removes its engine: --keep does not apply");
  const storage = engineStorage(opts.engineStorage);
  const t = topology(randomBytes(3).toString("hex"));
  const path = process.cwd();
  const runDir = join(path, `.apex-hermetic-${t.id}`);
  const ws: ToolboxWorkspace = { path, user: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }, gitCommonDir: gitCommonDir(path) };
  const say = (s: string) => process.stderr.write(`hermetic: ${s}\n`);
  const baseImage = process.env.BASE_IMAGE || DEFAULT_BASE_IMAGE;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= teardown(t).then((left) => {
      rmSync(runDir, { recursive: true, force: true });
      if (left.length) say(`teardown left ${left.join(" ")}`);
    }));
  const onSignal = (sig: NodeJS.Signals) => {
    say(`${sig}: stopping and removing run ${t.id}`);
    killRunning("SIGTERM");
    void cleanup().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  say(`run ${t.id} (base image ${baseImage})`);
  let images: string[] = [];
  let privileges: EnginePrivileges | undefined;
  let exitCode = 1;
  const building = opts.build !== false;
  const steps: StepImpls = {
    "ci-images": async () => {
      const how = await Promise.all((["toolbox", "engine"] as const).map(async (n) => `${n} ${await buildCiImage(t, n, baseImage, path)}`));
      say(`ci images: ${how.join(", ")}`);
    },
    // secrets and the api/worker bundles the images copy
    bundle: () => (building ? prepareInputs() : "skipped"),
    "service-images": async () => {
      if (building) mustSucceed(await build({ files: opts.compose, profiles: opts.profile }), "docker compose build");
      images = await builtImages(opts);
      if (!building) return "skipped";
    },
    engine: async () => {
      privileges = await startEngine(t, ws, storage, say);
      ws.env = engineVariables({ topology: "hermetic", privileges, storage: storage.kind });
      say(`engine ${t.engine} answers (privileges ${privileges}, /var/lib/docker on ${storage.kind === "tmpfs" ? `a tmpfs of at most ${storage.sizeMiB} MiB` : `volume ${t.volume}`})`);
    },
    "load-images": async () => {
      mustSucceed(await loadIntoEngine(t, ws, images), "docker save | docker load into the engine");
      say(`engine has ${images.length} images; apex verify --no-build in ${t.toolbox}`);
    },
    verify: async () => {
      const inner = await inToolbox(t, ws, innerVerifyArgv(opts, join(runDir, "report")), { inheritStderr: true });
      process.stdout.write(inner.stdout);
      if (inner.exitCode !== 0 && inner.exitCode !== 1) throw new Error(`apex verify in the toolbox exited ${inner.exitCode}`);
      exitCode = inner.exitCode;
    },
    report: () => {
      const out = resolve(opts.out);
      mkdirSync(out, { recursive: true });
      cpSync(join(runDir, "report"), out, { recursive: true });
    },
  };
  const timed: StepImpls = Object.fromEntries(
    Object.entries(steps).map(([name, fn]) => [name, async () => {
      const started = Date.now();
      const r = await fn();
      say(`step ${name}: ${r === "skipped" ? "skipped" : `${((Date.now() - started) / 1000).toFixed(1)}s`}`);
      return r;
    }]),
  ) as StepImpls;
  try {
    mkdirSync(runDir, { recursive: true });
    await runSteps(timed, (s: VerifyStep) => say(`step ${s}`));
    return exitCode;
  } finally {
    await cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
