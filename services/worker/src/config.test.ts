import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "./config.ts";

const read = (path: string) => {
  if (path === "/run/secrets/app_db_password") return "pw\n";
  throw Object.assign(new Error("nope"), { code: "ENOENT" });
};

describe("loadWorkerConfig", () => {
  it("connects directly to postgres:5432 (LISTEN/NOTIFY cannot go through transaction pooling)", () => {
    const cfg = loadWorkerConfig({}, read, "worker-1", 7);
    expect(cfg.pg).toEqual({ host: "postgres", port: 5432, database: "apex", user: "apex_app", password: "pw" });
  });

  it("names itself hostname:pid, for app.job_runs.worker_id", () => {
    expect(loadWorkerConfig({}, read, "c0ffee", 1).workerId).toBe("c0ffee:1");
  });

  it("keeps the heartbeat on /tmp and derives its age limit from the interval", () => {
    const cfg = loadWorkerConfig({ HEARTBEAT_INTERVAL_MS: "2000" }, read, "h", 1);
    expect(cfg.heartbeatFile).toBe("/tmp/worker-heartbeat");
    expect(cfg.heartbeatMaxAgeMs).toBe(8000);
  });

  it("fails with a one-line error when the password file is missing", () => {
    expect(() => loadWorkerConfig({ PGPASSWORD_FILE: "/nowhere/pw" }, read, "h", 1)).toThrow(
      "secret file /nowhere/pw (from PGPASSWORD_FILE) cannot be read: ENOENT",
    );
  });

  it("rejects a concurrency of 0", () => {
    expect(() => loadWorkerConfig({ WORKER_CONCURRENCY: "0" }, read, "h", 1)).toThrow("WORKER_CONCURRENCY must be between 1 and 64, got 0");
  });
});
