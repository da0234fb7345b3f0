// `apex verify --hermetic`: the Dagger pipeline's topology with plain Docker. The host
// builds the stack's images and the two ci images (FROM BASE_IMAGE, nothing else pulled);
// a fresh engine on a private network gets the images (docker save, docker load), and the
// toolbox runs `apex verify --no-build` against it with the workspace at the same path.
// The report is copied out; everything the run made is removed, also on failure, Ctrl-C
// and SIGTERM.
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { docker, killRunning, mustSucceed } from "../docker.ts";
import { UsageError } from "../errors.ts";
import { loadResolvedCompose } from "../sources/compose.ts";
import { prepareInputs } from "../stack/host.ts";
import { build } from "../stack/lifecycle.ts";
import type { VerifyOptions } from "../commands/verify.ts";
import { buildCiImages, inToolbox, startEngine, teardown } from "./engine.ts";
import { topology } from "./topology.ts";

export const DEFAULT_BASE_IMAGE = "debian:trixie-slim";

/** The inner command line: the caller's choices, images already loaded, report to `out`. */
export function innerVerifyArgv(opts: VerifyOptions, out: string): string[] {
  const argv = ["npx", "apex", "verify", "--no-build", "--out", out, "--format", opts.format.join(",")];
  for (const f of opts.compose) argv.push("-f", f);
  for (const p of opts.profile) argv.push("--profile", p);
  if (opts.exemptions) argv.push("--exemptions", opts.exemptions);
  if (opts.skipWorkflows) argv.push("--skip-workflows");
  if (opts.quiet) argv.push("--quiet");
  return argv;
}

/** The images compose builds for this stack (what verify --no-build requires). */
async function builtImages(opts: VerifyOptions): Promise<string[]> {
  const model = await loadResolvedCompose({ files: opts.compose, profiles: opts.profile });
  return [...new Set(Object.values(model.services).filter((s) => s.build && s.image).map((s) => s.image!))].sort();
}

export async function runHermetic(opts: VerifyOptions): Promise<number> {
  if (opts.out === "-") throw new UsageError("--hermetic writes its report to a directory: give --out DIR, not -");
  if (opts.keep) throw new UsageError("--hermetic always removes its engine: --keep does not apply");
  const t = topology(randomBytes(3).toString("hex"));
  const ws = process.cwd();
  const runDir = join(ws, `.apex-hermetic-${t.id}`);
  const user = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
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
  try {
    mkdirSync(runDir, { recursive: true });
    await buildCiImages(t, baseImage, ws);
    if (opts.build !== false) {
      await prepareInputs(); // secrets and the api/worker bundles the images copy
      mustSucceed(await build({ files: opts.compose, profiles: opts.profile }), "docker compose build");
    }
    const images = await builtImages(opts);
    const tar = join(runDir, "images.tar");
    mustSucceed(await docker(["save", "-o", tar, ...images]), "docker save");
    await startEngine(t, ws, user);
    mustSucceed(await inToolbox(t, ws, user, ["docker", "load", "-i", tar]), "docker load into the engine");
    rmSync(tar);
    say(`engine ${t.engine} has ${images.length} images; apex verify --no-build in ${t.toolbox}`);
    const inner = await inToolbox(t, ws, user, innerVerifyArgv(opts, join(runDir, "report")), { inheritStderr: true });
    process.stdout.write(inner.stdout);
    if (inner.exitCode !== 0 && inner.exitCode !== 1) throw new Error(`apex verify in the toolbox exited ${inner.exitCode}`);
    const out = resolve(opts.out);
    mkdirSync(out, { recursive: true });
    cpSync(join(runDir, "report"), out, { recursive: true });
    return inner.exitCode;
  } finally {
    await cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
