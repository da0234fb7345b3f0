// logical_backup's health is the schedule's promise, not pg_isready: a failed last run, a
// verified backup older than the interval, or no verified backup after the first interval
// make it unhealthy, with the reason in docker's health log (what verify reports).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../docker.ts";
import { testStack } from "./testStack.ts";

const s = testStack("apex-backup-health");
const health = () => s.inBackup("apex-backup health");
const DIR = "/var/lib/postgresql/backups";

beforeAll(() => s.up(["logical_backup"]), 600_000);
afterAll(() => s.down(), 180_000);

describe("logical_backup health", () => {
  it("is healthy while the first scheduled backup is not yet due", async () => {
    const r = await health();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^healthy: first scheduled backup due within \d+s/);
  });

  it("a failed last run is unhealthy, and docker's healthcheck says why", async () => {
    await s.inBackup(`printf 'failed %s %s\\n' "$(date -u +%s)" "backup directory is full" > /tmp/apex-schedule.last`);
    try {
      const r = await health();
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^unhealthy: the last scheduled backup failed at \S+: backup directory is full/);
      const id = (await s.compose(["ps", "-q", "logical_backup"])).stdout.trim();
      let last = "";
      for (let i = 0; i < 40 && !/last scheduled backup failed/.test(last); i++) {
        await new Promise((res) => setTimeout(res, 500));
        last = (await docker(["inspect", "-f", "{{with .State.Health}}{{range .Log}}{{.Output}}{{end}}{{end}}", id])).stdout;
      }
      expect(last).toMatch(/unhealthy: the last scheduled backup failed/);
    } finally {
      await s.inBackup("rm -f /tmp/apex-schedule.last");
    }
  });

  it("a verified backup older than the interval is unhealthy", async () => {
    const old = "apex-20200101T000000Z-0001";
    await s.inBackup(`mkdir ${DIR}/$1 && printf '{\\n  "id": "%s",\\n  "bytes": 1,\\n  "verification": {"status": "passed"}\\n}\\n' "$1" > ${DIR}/$1/manifest.json`, old);
    try {
      const r = await health();
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^unhealthy: the newest verified backup ${old} is \\d+s old`));
    } finally {
      await s.inBackup(`rm -rf ${DIR}/$1`, old);
    }
  });

  it("no verified backup after the first interval is unhealthy", async () => {
    await s.inBackup("cp /tmp/apex-schedule.started /tmp/started.keep && printf '%s 86400\\n' $(( $(date -u +%s) - 200000 )) > /tmp/apex-schedule.started");
    try {
      const r = await health();
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^unhealthy: no verified backup in the \d+s since the schedule began/);
    } finally {
      await s.inBackup("mv /tmp/started.keep /tmp/apex-schedule.started");
    }
    expect((await health()).exitCode).toBe(0);
  });

  it("the schedule records a real failed run (a database it cannot reach) where health reads it", async () => {
    const r = await s.inBackup(
      "mkdir -p /tmp/sched && APEX_SCHEDULE_STATE=/tmp/sched PGHOST=no-such-host timeout 12 apex-backup schedule --now --every 60 >/dev/null 2>&1; " +
        "cat /tmp/sched/apex-schedule.last; APEX_SCHEDULE_STATE=/tmp/sched apex-backup health; echo \"exit $?\"; rm -rf /tmp/sched",
    );
    expect(r.stdout).toMatch(/^failed \d+ postgres at no-such-host:5432 is not accepting connections/);
    expect(r.stdout).toMatch(/unhealthy: the last scheduled backup failed .*not accepting connections[\s\S]*exit 1/);
  });
});
