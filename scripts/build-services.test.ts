// Builds both bundles into a temp dir (the tree's dist/ stays untouched) and runs them
// there, away from any node_modules, as the images do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "apex-bundles-"));
const SECRET = "Sup3r-secret-value";
const TOKEN = `${SECRET}-token-0123456789abcdef`;
let buildOut = "";

// Only what `node` itself offers: builtins, plus the never-taken optional requires.
const OPTIONAL = new Set(["pg-native", "cloudflare:sockets", "typescript"]);
const allowed = (spec: string) => OPTIONAL.has(spec) || builtinModules.includes(spec.replace(/^node:/, ""));

beforeAll(() => {
  buildOut = execFileSync(process.execPath, [join(repo, "scripts/build-services.mjs"), "--out-dir", dir], { encoding: "utf8" });
  writeFileSync(join(dir, "pg_pw"), `${SECRET}\n`);
  writeFileSync(join(dir, "vk_pw"), `${SECRET}-vk\n`);
  writeFileSync(join(dir, "api_tokens"), `verify ${TOKEN}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const baseEnv = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

describe("build-services", () => {
  it("prints one line per bundle with its size", () => {
    const lines = buildOut.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^build-services: api -> .*server\.mjs \d+ KiB in \d+ ms$/);
    expect(lines[1]).toMatch(/^build-services: worker -> .*worker\.mjs \d+ KiB in \d+ ms$/);
  });

  it("writes esbuild's metafile beside each bundle: the SBOM's list of bundled npm packages", () => {
    const api = JSON.parse(readFileSync(join(dir, "api.meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    const worker = JSON.parse(readFileSync(join(dir, "worker.meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    expect(Object.keys(api.inputs)).toContain("node_modules/fastify/fastify.js");
    expect(Object.keys(worker.inputs).some((k) => k.startsWith("node_modules/graphile-worker/"))).toBe(true);
  });

  it("bundles every npm dependency: the only imports left are node builtins", () => {
    for (const f of ["server.mjs", "worker.mjs"]) {
      const src = readFileSync(join(dir, f), "utf8");
      expect(src).not.toContain("sourceMappingURL");
      // what esbuild leaves for node to resolve: top-level imports and __require() of externals
      const specifiers = [
        ...src.matchAll(/^import .* from "([^"]+)";$/gm),
        ...src.matchAll(/\b__require\("([^"]+)"\)/g),
        ...src.matchAll(/\bimport\("([^"]+)"\)/g),
      ].map((m) => m[1]!);
      expect(specifiers.length).toBeGreaterThan(10);
      expect(specifiers.filter((s) => !allowed(s))).toEqual([]);
    }
  });

  it.each([
    ["server.mjs", "api"],
    ["worker.mjs", "worker"],
  ])("%s without its secret file exits 2 with one line naming the file", (file, name) => {
    const r = spawnSync(process.execPath, [join(dir, file)], {
      cwd: dir,
      env: { ...baseEnv(), PGPASSWORD_FILE: join(dir, "missing") },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${name}: configuration error: secret file ${join(dir, "missing")} (from PGPASSWORD_FILE) cannot be read: ENOENT\n`);
  });

  it("worker.mjs --health is 0 with a fresh heartbeat file, 1 with none (the compose healthcheck)", () => {
    const health = (file: string) =>
      spawnSync(process.execPath, [join(dir, "worker.mjs"), "--health"], { cwd: dir, env: { ...baseEnv(), HEARTBEAT_FILE: file }, encoding: "utf8" });
    writeFileSync(join(dir, "hb"), "now\n");
    expect(health(join(dir, "hb"))).toMatchObject({ status: 0, stdout: "ok\n" });
    expect(health(join(dir, "no-hb"))).toMatchObject({ status: 1, stdout: `unhealthy: no heartbeat file at ${join(dir, "no-hb")}\n` });
  });

  it("the worker with its secret but no postgres exits 1 with a one-line 'cannot start'", () => {
    const r = spawnSync(process.execPath, [join(dir, "worker.mjs")], {
      cwd: dir,
      env: { ...baseEnv(), PGPASSWORD_FILE: join(dir, "pg_pw"), PGHOST: "127.0.0.1", PGPORT: "1" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^worker: cannot start: .*ECONNREFUSED.*\n$/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it("the api starts, answers /health 503 without backends, and exits 0 on SIGTERM, never logging a secret", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(dir, "server.mjs")], {
      cwd: dir,
      env: {
        ...baseEnv(),
        PORT: String(port),
        HOST: "127.0.0.1",
        PGPASSWORD_FILE: join(dir, "pg_pw"),
        VALKEY_PASSWORD_FILE: join(dir, "vk_pw"),
        API_TOKENS_FILE: join(dir, "api_tokens"),
        PGHOST: "127.0.0.1",
        PGPORT: "1",
        VALKEY_HOST: "127.0.0.1",
        VALKEY_PORT: "1",
        MEMCACHED_SERVERS: "127.0.0.1:1",
      },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toContain('"msg":"listening"');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(503);
      const viaFlag = spawnSync(process.execPath, [join(dir, "server.mjs"), "--health"], { env: { ...baseEnv(), PORT: String(port) }, encoding: "utf8" });
      expect(viaFlag.status).toBe(1);
      const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
      const anonymous = await fetch(`http://127.0.0.1:${port}/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"task":"echo"}' });
      expect(anonymous.status).toBe(401); // the guard's plugins work inside the bundle
      const invalid = await fetch(`http://127.0.0.1:${port}/jobs`, { method: "POST", headers, body: '{"task":"x"}' });
      expect(invalid.status).toBe(400); // ajv works inside the bundle
      const job = await fetch(`http://127.0.0.1:${port}/jobs`, { method: "POST", headers, body: '{"task":"echo"}' });
      expect(job.status).toBe(503);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    for (const line of out.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    expect(out).not.toContain(SECRET);
  });
});
