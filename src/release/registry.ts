// A real registry for tests: Debian's docker-registry (the reference "distribution"
// server) on 127.0.0.1 with a random port and storage in a temp dir. Docker treats
// 127.0.0.0/8 as an insecure registry, so no TLS is needed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface TestRegistry {
  host: string; // 127.0.0.1:<port>
  catalog(): Promise<string[]>;
  /** The digest the registry serves for name:tag (Docker-Content-Digest of the manifest). */
  manifestDigest(name: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

const MANIFESTS = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export async function startRegistry(repoRoot: string): Promise<TestRegistry> {
  const setup = spawnSync("bash", [resolve(repoRoot, "scripts/setup-registry.sh")], { encoding: "utf8" });
  if (setup.status !== 0) throw new Error(`setup-registry.sh failed: ${setup.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), "apex-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`,
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d) => (log = (log + d).slice(-4000)));
  const base = `http://${host}/v2`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/`).then((r) => r.status === 200, () => false);
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`registry did not start on ${host}: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    async catalog() {
      const r = await fetch(`${base}/_catalog`);
      return ((await r.json()) as { repositories: string[] | null }).repositories ?? [];
    },
    async manifestDigest(name, tag) {
      const r = await fetch(`${base}/${name}/manifests/${tag}`, { method: "HEAD", headers: { Accept: MANIFESTS } });
      if (r.status !== 200) throw new Error(`manifest ${name}:${tag}: HTTP ${r.status}`);
      return r.headers.get("docker-content-digest") ?? "";
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
