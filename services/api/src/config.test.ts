import { describe, expect, it } from "vitest";
import { loadApiConfig } from "./config.ts";
import { ConfigError } from "./shared/env.ts";

const SECRETS: Record<string, string> = {
  "/run/secrets/app_db_password": "pg-pass\n",
  "/run/secrets/valkey_password": "vk-pass",
  "/run/secrets/api_tokens": `verify ${"a".repeat(40)}\n`,
};
const readFrom = (files: Record<string, string>) => (path: string) => {
  if (path in files) return files[path]!;
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
};

describe("loadApiConfig", () => {
  it("defaults match compose: pgbouncer:6432, apex/apex_app, valkey, memcached, port 8080", () => {
    const cfg = loadApiConfig({}, readFrom(SECRETS));
    expect(cfg.port).toBe(8080);
    expect(cfg.pg).toMatchObject({ host: "pgbouncer", port: 6432, database: "apex", user: "apex_app", password: "pg-pass" });
    expect(cfg.valkey).toEqual({ host: "valkey", port: 6379, password: "vk-pass" });
    expect(cfg.memcachedServers).toBe("memcached:11211");
  });

  it("reads secrets from the paths the *_FILE variables name, and trims one trailing newline", () => {
    const cfg = loadApiConfig(
      { PGPASSWORD_FILE: "/s/pg", VALKEY_PASSWORD_FILE: "/s/vk", PGHOST: "db", PGPORT: "5433", VALKEY_USERNAME: "apex" },
      readFrom({ ...SECRETS, "/s/pg": "a b\n", "/s/vk": "x\n" }),
    );
    expect(cfg.pg).toMatchObject({ host: "db", port: 5433, password: "a b" });
    expect(cfg.valkey).toMatchObject({ username: "apex", password: "x" });
  });

  it("fails with a one-line error naming the variable and path when a secret file is missing", () => {
    const call = () => loadApiConfig({}, readFrom({ "/run/secrets/app_db_password": "pg" }));
    expect(call).toThrow(ConfigError);
    expect(call).toThrow("secret file /run/secrets/valkey_password (from VALKEY_PASSWORD_FILE) cannot be read: ENOENT");
  });

  it("refuses an empty secret file without echoing anything of it", () => {
    const call = () => loadApiConfig({}, readFrom({ ...SECRETS, "/run/secrets/app_db_password": "\n" }));
    expect(call).toThrow("secret file /run/secrets/app_db_password (from PGPASSWORD_FILE) is empty");
  });

  it("rejects a non-numeric or out-of-range port", () => {
    expect(() => loadApiConfig({ PORT: "80a" }, readFrom(SECRETS))).toThrow('PORT must be an integer, got "80a"');
    expect(() => loadApiConfig({ PGPORT: "70000" }, readFrom(SECRETS))).toThrow("PGPORT must be between 1 and 65535, got 70000");
  });

  it("guard defaults: the tokens file's callers, our own host names, 100 requests/s, 1000 open jobs", () => {
    const { guard } = loadApiConfig({}, readFrom(SECRETS));
    expect(guard.callers.map((c) => c.name)).toEqual(["verify"]);
    expect([...guard.allowedHosts]).toEqual(["localhost", "127.0.0.1", "::1", "api"]);
    expect(guard).toMatchObject({ ratePerSecond: 100, maxOpenJobs: 1000 });
  });

  it("a tokens file that lists nobody stops the api with a line naming the file", () => {
    expect(() => loadApiConfig({}, readFrom({ ...SECRETS, "/run/secrets/api_tokens": "# nobody\n" }))).toThrow("/run/secrets/api_tokens: no caller is listed");
  });

  it("never puts a secret into an error message", () => {
    try {
      loadApiConfig({ PORT: "x" }, readFrom(SECRETS));
    } catch (e) {
      expect(String((e as Error).message)).not.toMatch(/pg-pass|vk-pass/);
    }
  });
});
