// Fault tests for `scripts/manage` against the real, hardened stack: an intact backup
// verifies; a corrupted or truncated one does not; postgres dying mid-backup and a full
// backups volume leave nothing that looks finished; restore never overwrites by accident.
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../docker.ts";
import { REPO_ROOT } from "./target.ts";
import { testStack, type TestStack } from "./testStack.ts";

const DIR = "/var/lib/postgresql/backups";
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop() ?? "null");
/** Names in the backups directory: finished backups and leftovers alike. */
const entries = async (s: TestStack) => (await s.inBackup(`ls -A ${DIR}`)).stdout.split("\n").filter(Boolean);

/** An old finished (unverified) backup, as far as list/prune can tell: a dir with a manifest. */
const fakeOld = (s: TestStack, id: string) =>
  s.inBackup(`mkdir ${DIR}/$1 && printf '{\\n  "id": "%s",\\n  "bytes": 1,\\n  "verification": null\\n}\\n' "$1" > ${DIR}/$1/manifest.json`, id);

describe("manage on the real stack", () => {
  const s = testStack("apex-manage-fault");
  let intact = "";

  beforeAll(async () => {
    await s.up();
    const r = await s.manage(["backup", "--type=full", "--verify", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    intact = lastJson(r.stdout).id;
  });
  afterAll(() => s.down());

  it("an intact backup verifies: every step of the ladder passes and the manifest says so", async () => {
    const r = await s.manage(["verify", intact, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = lastJson(r.stdout).verification;
    expect(v.status).toBe("passed");
    expect(v.steps.map((x: { name: string; status: string }) => `${x.name}:${x.status}`)).toEqual([
      "sha256:passed", "toc:passed", "scratch_restore:passed", "compare:passed", "drop_scratch:passed",
    ]);
    const m = JSON.parse((await s.inBackup(`cat ${DIR}/$1/manifest.json`, intact)).stdout);
    expect(m.verification.status).toBe("passed");
    expect(m.tables.length).toBeGreaterThan(5);
    // zstd:1 by default, and the file is what the manifest says
    expect(m.compression).toBe("zstd:1");
    expect((await s.inBackup(`pg_restore --list ${DIR}/$1/apex.dump`, intact)).stdout).toMatch(/^; +Compression: zstd/m);
  });

  it("APEX_BACKUP_COMPRESS picks pg_dump's compression; a value pg_dump has not is refused in one line, exit 2", async () => {
    const r = await s.inBackup("APEX_BACKUP_COMPRESS=gzip:1 apex-backup backup --verify 2>/dev/null");
    expect(r.exitCode, r.stdout).toBe(0);
    const id = lastJson(r.stdout).id;
    expect(JSON.parse((await s.inBackup(`cat ${DIR}/$1/manifest.json`, id)).stdout).compression).toBe("gzip:1");
    expect((await s.inBackup(`pg_restore --list ${DIR}/$1/apex.dump`, id)).stdout).toMatch(/^; +Compression: gzip/m);
    const before = await entries(s);
    const bad = await s.inBackup("APEX_BACKUP_COMPRESS=brotli apex-backup backup");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^error: APEX_BACKUP_COMPRESS="brotli" refused: give zstd, lz4, gzip or none/);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(await entries(s)).toEqual(before);
    await s.inBackup(`rm -rf ${DIR}/$1`, id);
  });

  it("a table of contents pg_restore cannot read is an error of its own, never an empty list of extensions", async () => {
    const lib = "for f in lib scratch; do . /usr/local/bin/apex-backup-$f.sh; done";
    const bad = await s.inBackup(`printf 'PGDMP not a dump' >/tmp/bad.dump; bash -c '${lib}; dump_extensions /tmp/bad.dump; echo "rc=$?"' 2>&1; rm -f /tmp/bad.dump`);
    expect(bad.stdout).toMatch(/pg_restore: error: .*\nrc=1\n$/s);
    // the intact backup's file: its extensions, one "name<TAB>schema" line each, plpgsql left out
    const ok = await s.inBackup(`bash -c '${lib}; dump_extensions "$1"; echo "rc=$?"' sh ${DIR}/$1/apex.dump`, intact);
    expect(ok.stdout).toBe("pg_partman\tpartman\npg_stat_statements\tpublic\nrc=0\n");
  });

  it("prune deletes backups past retention once a newer verified backup exists, never that one", async () => {
    const old = "apex-20200101T000000Z-0001";
    expect((await fakeOld(s, old)).exitCode).toBe(0);
    const r = await s.manage(["prune", "--keep-days", "7", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lastJson(r.stdout).prune).toMatchObject({ pruned: [old], newestVerified: intact });
    expect(await entries(s)).toContain(intact);
  });

  it("a dump corrupted after it was written fails --verify at sha256", async () => {
    const id = lastJson((await s.manage(["backup", "--json"])).stdout).id;
    await s.inBackup(`dd if=/dev/urandom of=${DIR}/$1/apex.dump bs=1 count=64 seek=2000 conv=notrunc 2>/dev/null`, id);
    const r = await s.manage(["verify", id, "--json"]);
    expect(r.exitCode).toBe(1);
    const v = lastJson(r.stdout).verification;
    expect(v.status).toBe("failed");
    expect(v.steps[0]).toMatchObject({ name: "sha256", status: "failed" });
    expect(r.stderr).toMatch(/sha256 FAILED/);
  });

  it("a truncated dump whose checksums were forged still fails --verify (the scratch restore reads it all)", async () => {
    const id = lastJson((await s.manage(["backup", "--json"])).stdout).id;
    const forge = [
      `cd ${DIR}/$1 && old=$(sha256sum apex.dump | cut -d' ' -f1) && n=$(stat -c %s apex.dump)`,
      `head -c $((n / 2)) apex.dump > t && mv t apex.dump && new=$(sha256sum apex.dump | cut -d' ' -f1)`,
      `sed -i "s/$old/$new/" SHA256SUMS manifest.json`,
    ].join("\n");
    expect((await s.inBackup(forge, id)).exitCode).toBe(0);
    const r = await s.manage(["verify", id, "--json"]);
    expect(r.exitCode).toBe(1);
    const steps = lastJson(r.stdout).verification.steps as Array<{ name: string; status: string }>;
    expect(steps.find((x) => x.name === "sha256")?.status).toBe("passed");
    expect(steps.find((x) => x.status === "failed")?.name).toMatch(/^(toc|scratch_restore)$/);
  });

  it("restore onto an existing database without --force is refused and the data is untouched", async () => {
    await s.psql("CREATE TABLE app.fault_marker AS SELECT 42 AS answer");
    const r = await s.manage(["restore", intact]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/database "apex" already exists: refusing to overwrite it/);
    expect(await s.psql("SELECT answer FROM app.fault_marker")).toBe("42");
    // with --force it is replaced (the marker, made after the backup, is gone)
    const f = await s.manage(["restore", intact, "--force", "--verify", "--json"]);
    expect(f.exitCode, f.stderr).toBe(0);
    expect(lastJson(f.stdout)).toMatchObject({ database: "apex", replaced: true, verification: "passed" });
    expect(await s.psql("SELECT to_regclass('app.fault_marker') IS NULL")).toBe("t");
  });

  it("postgres killed in the middle of a backup: a clear error and nothing that looks finished", async () => {
    // ~300 MB of rows so that pg_dump is surely still running when postgres dies
    await s.psql("CREATE TABLE app.fault_bulk AS SELECT g, md5(g::text) || md5((g * 7)::text) AS v FROM generate_series(1, 3000000) g");
    const before = (await entries(s)).filter((e) => !e.startsWith("."));
    const backup = s.manage(["backup", "--type=full"]);
    let seen = false;
    for (let i = 0; i < 200 && !seen; i++) {
      const e = await entries(s);
      const partial = e.find((x) => x.startsWith(".partial-"));
      if (partial) {
        const size = await s.inBackup(`stat -c %s ${DIR}/$1/apex.dump 2>/dev/null || echo 0`, partial);
        seen = Number(size.stdout.trim()) > 0;
      }
      if (!seen) await new Promise((r) => setTimeout(r, 250));
    }
    expect(seen, "the backup never got as far as writing its dump").toBe(true);
    expect((await s.compose(["kill", "postgres"])).exitCode).toBe(0);
    const r = await backup;
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/manage: error: backup failed while (dumping|counting)/);
    const after = await entries(s);
    expect(after.filter((e) => e.startsWith(".partial-"))).toEqual([]);
    expect(after.filter((e) => !e.startsWith("."))).toEqual(before);
    await s.up(["postgres"]);
  });
});

describe("manage backup --verify killed mid-stream", () => {
  const s = testStack("apex-manage-stream");
  /** Waits until the dump's data streams into the scratch restore (its own progress mark). */
  const midStream = async () => {
    for (let i = 0; i < 240; i++) {
      const r = await s.inBackup(`ls ${DIR}/.partial-*/.scratch-*/streaming 2>/dev/null | head -n 1`);
      if (r.stdout.trim()) return;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error("the backup never reached the streamed restore");
  };
  /** pids of the container's processes named NAME (bash only: the image has no test tools). */
  const kill = (name: string, signal: string) =>
    s.inBackup(`for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = "$1" ] && kill -${signal} \${p#/proc/}; done; true`, name);
  const leftovers = async () => {
    const ps = await s.inBackup(`for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null); case $c in pg_dump|pg_restore|postgres|tee|psql) echo $c;; esac; done; true`);
    return { entries: await entries(s), processes: ps.stdout.split("\n").filter(Boolean) };
  };
  const settled = async () => {
    for (let i = 0; i < 40; i++) {
      const l = await leftovers();
      if (l.entries.length === 0 && l.processes.length === 0) return l;
      await new Promise((res) => setTimeout(res, 250));
    }
    return leftovers();
  };

  beforeAll(async () => {
    await s.up(["postgres", "logical_backup"]);
    // enough rows that the stream surely still runs when it is killed
    await s.psql("CREATE TABLE app.fault_stream AS SELECT g, md5(g::text) || md5((g * 7)::text) AS v FROM generate_series(1, 2000000) g");
  });
  afterAll(() => s.down());

  it("the scratch restore killed: verification fails, and no backup, partial or scratch cluster remains", async () => {
    const backup = s.manage(["backup", "--type=full", "--verify", "--json"]);
    await midStream();
    expect((await kill("pg_restore", "KILL")).exitCode).toBe(0);
    const r = await backup;
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/verification of backup apex-\S+ failed at restore: .*the backup was discarded/);
    expect(lastJson(r.stdout)).toMatchObject({ verification: "failed" });
    expect(await settled()).toEqual({ entries: [], processes: [] });
  });

  it("apex-backup itself killed (SIGKILL, no trap runs): its guard stops the stream and removes everything", async () => {
    const backup = s.manage(["backup", "--type=full", "--verify"]);
    await midStream();
    // the run, not the schedule (PID 1, the same script): matched by its arguments
    const run = await s.inBackup(`for p in /proc/[0-9]*; do [ "\${p#/proc/}" != 1 ] && tr '\\0' ' ' <$p/cmdline 2>/dev/null | grep -q 'apex-backup backup --type' && kill -KILL \${p#/proc/} && echo killed; done; true`);
    expect(run.stdout).toMatch(/killed/);
    const r = await backup;
    expect(r.exitCode).not.toBe(0);
    expect(await settled()).toEqual({ entries: [], processes: [] });
  });
});

describe("manage with a backups volume that fills up", () => {
  const s = testStack("apex-manage-full", [resolve(REPO_ROOT, "src/manage/testdata/small-backups-volume.yaml")]);
  beforeAll(async () => {
    await s.up(["postgres", "logical_backup"]);
    // a few MB of incompressible rows: more than the 1 MiB volume holds
    await s.psql("CREATE TABLE app.fault_fill AS SELECT g, md5(random()::text) || md5(random()::text) AS v FROM generate_series(1, 60000) g");
  });
  afterAll(() => s.down());

  it("prune deletes nothing while no verified backup exists", async () => {
    const old = "apex-20200101T000000Z-0002";
    expect((await fakeOld(s, old)).exitCode).toBe(0);
    const r = await s.manage(["prune", "--keep-days", "1", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lastJson(r.stdout).prune).toMatchObject({ pruned: [], newestVerified: null });
    expect(await entries(s)).toEqual([old]);
    await s.inBackup(`rm -r ${DIR}/$1`, old);
  });

  it("gives a clear error and leaves nothing that looks finished", async () => {
    const r = await s.manage(["backup", "--type=full", "--verify"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/manage: error: .*No space left on device/);
    expect(await entries(s)).toEqual([]);
  });
});

describe("manage without a running stack", () => {
  it("says so in one line, exit 2 (docker compose's own complaint is not repeated)", async () => {
    const r = await run(process.execPath, [join(REPO_ROOT, "scripts/manage"), "backup", "--type=full", "-p", "apex-manage-nothing-here"], { cwd: REPO_ROOT });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^manage: service logical_backup is not running in project "apex-manage-nothing-here": start the stack first/),
    ]);
  });
});
