// What verify asks the Docker host before and around a run: versions, generated inputs,
// which images are there, which services cannot run. Nothing here starts a container.
import { existsSync } from "node:fs";
import { compose, docker, run, type ComposeTarget, type RunResult } from "../docker.ts";
import { UsageError } from "../errors.ts";
import type { ResolvedCompose } from "../sources/compose.ts";
import type { CheckResult, ImageInfo } from "../types.ts";
import { judgeSwarm } from "./checks.ts";

export async function hostVersions(): Promise<Record<string, string>> {
  const [engine, composeV] = await Promise.all([
    docker(["version", "--format", "{{.Server.Version}}"]),
    docker(["compose", "version", "--short"]),
  ]);
  if (engine.exitCode !== 0) throw new UsageError("no Docker Engine answers (run scripts/setup-host.sh, or set DOCKER_HOST)");
  if (composeV.exitCode !== 0) throw new UsageError("docker compose v2 is missing (run scripts/setup-host.sh)");
  return { docker: engine.stdout.trim(), compose: composeV.stdout.trim(), node: process.versions.node };
}

/** CIS 5.1 (stack/host-not-swarm): the engine's swarm state, judged by judgeSwarm. */
export async function swarmCheck(): Promise<CheckResult> {
  const r = await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]);
  const ev = { command: r.argv, exitCode: r.exitCode, output: (r.stdout.trim() || r.stderr.trim()).slice(0, 500), property: "Swarm.LocalNodeState", expected: "inactive", actual: r.stdout.trim() };
  return judgeSwarm(r.exitCode === 0 ? r.stdout : "", ev);
}

/** Generated inputs the stack needs: secrets and the api/worker bundles. Both idempotent. */
export async function prepareInputs(): Promise<void> {
  if (existsSync("scripts/secrets.sh")) {
    const r = await run("bash", ["scripts/secrets.sh"]);
    if (r.exitCode !== 0) throw new Error(`scripts/secrets.sh failed: ${r.stderr.trim().split("\n").pop()}`);
  }
  if (existsSync("scripts/build-services.mjs")) {
    const r = await run(process.execPath, ["scripts/build-services.mjs"]);
    if (r.exitCode !== 0) throw new Error(`bundling api/worker failed: ${r.stderr.trim().split("\n").pop()}`);
  }
}

export async function imageInfo(model: ResolvedCompose): Promise<ImageInfo[]> {
  const out: ImageInfo[] = [];
  for (const [service, svc] of Object.entries(model.services)) {
    if (!svc.build || !svc.image) continue;
    const r = await docker(["image", "inspect", "--format", "{{.Id}} {{.Size}}", svc.image]);
    const [id, size] = r.stdout.trim().split(" ");
    out.push({ service, image: svc.image, id: id || undefined, sizeBytes: size ? Number(size) : undefined });
  }
  return out;
}

/** --no-build: every image compose would build must already be on the host. */
export async function requireImages(model: ResolvedCompose): Promise<RunResult> {
  const images = Object.values(model.services).filter((s) => s.build && s.image).map((s) => s.image!);
  const r = await docker(["image", "inspect", "--format", "{{index .RepoTags 0}}", ...new Set(images)]);
  if (r.exitCode !== 0) r.stderr = `--no-build: image(s) missing on the Docker host: ${r.stderr.trim()}`;
  return r;
}

/**
 * Enabled services whose image is neither built here nor present, and cannot be pulled
 * (pghero where no registry is reachable): they are left out of `up` and reported.
 */
export async function unavailableImages(model: ResolvedCompose): Promise<Map<string, string>> {
  const missing = new Map<string, string>();
  for (const [service, svc] of Object.entries(model.services)) {
    if (svc.build || !svc.image) continue;
    if ((await docker(["image", "inspect", "--format", "{{.Id}}", svc.image])).exitCode === 0) continue;
    const pulled = await docker(["pull", "--quiet", svc.image], { timeoutMs: 60_000 });
    if (pulled.exitCode !== 0)
      missing.set(service, `image ${svc.image} is not on the Docker host and could not be pulled (${(pulled.stderr.trim().split("\n").pop() ?? "").slice(0, 200)})`);
  }
  return missing;
}

/** Services compose knows of but that the chosen profiles leave out (pghero by default):
 *  every profile's services (one resolution of that profile set) less the run's model's. */
export async function servicesNotRun(target: ComposeTarget, model: ResolvedCompose): Promise<string[]> {
  const all = await compose({ ...target, profiles: ["*"] }, ["config", "--services"]);
  return all.stdout.split("\n").filter((s) => s && !(s in model.services));
}
