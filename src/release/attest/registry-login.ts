// cosign finds registry credentials where docker keeps them (DOCKER_CONFIG). A caller that
// holds them as secrets (the Dagger module's registry password) hands them over in
// APEX_REGISTRY_USERNAME / APEX_REGISTRY_PASSWORD: they are written to a 0600 config in a
// private temporary folder for the signing only, never to argv, never to the user's own
// docker config, and the folder is removed afterwards. Without them the usual config applies.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function withRegistryLogin<T>(registries: string[], fn: () => Promise<T>): Promise<T> {
  const username = process.env.APEX_REGISTRY_USERNAME;
  const password = process.env.APEX_REGISTRY_PASSWORD;
  if (!username || password === undefined) return fn();
  const dir = mkdtempSync(join(tmpdir(), "apex-registry-"));
  const before = process.env.DOCKER_CONFIG;
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  const auths = Object.fromEntries([...new Set(registries)].map((r) => [r, { auth }]));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ auths }), { mode: 0o600 });
  process.env.DOCKER_CONFIG = dir;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = before;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The registry host of a reference: its first path segment (host[:port]). */
export const registryOf = (reference: string) => reference.split("/")[0];
