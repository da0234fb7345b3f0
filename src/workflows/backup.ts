// Backups under hardening, through `scripts/manage` exactly as operators run it.
import { lastLine } from "./context.ts";
import { fail, pass, rand, type Workflow } from "./workflow.ts";

export const backupRoundtrip: Workflow = {
  service: "logical_backup",
  meta: {
    id: "workflow/backup-roundtrip",
    kind: "workflow",
    title: "Verified backup restores with identical row counts and checksums",
    severity: "critical",
    refs: ["pgBackRest verify", "WAL-G backup-push --verify", "Barman verify-backup"],
    remediation:
      "Run `scripts/manage backup --type=full --verify` and read the failed step in the manifest's verification; a hardened container must still write /var/lib/postgresql/backups and reach postgres:5432.",
    description: "manage backup --verify (the dump streamed into a scratch restore in one pass, table of contents, compare), then manage restore --into a new database --verify.",
  },
  async run(ctx) {
    const b = await ctx.manage(["backup", "--type=full", "--verify"]);
    if (b.r.exitCode !== 0 || b.json?.verification !== "passed")
      return fail(`backup --verify exited ${b.r.exitCode}: ${b.json?.verification ? `verification ${b.json.verification}` : lastLine(b.r)}`);
    const id = String(b.json.id);
    const into = `apex_roundtrip_${rand()}`;
    try {
      const r = await ctx.manage(["restore", id, "--into", into, "--verify"]);
      if (r.r.exitCode !== 0 || r.json?.verification !== "passed")
        return fail(`restore ${id} --into ${into} --verify exited ${r.r.exitCode}: ${r.r.exitCode === 0 ? "not verified" : lastLine(r.r)}`);
      return pass(`backup ${id} (${b.json.tables} tables, ${b.json.rows} rows) verified and restored into ${into} with identical counts and checksums`);
    } finally {
      await ctx.psql(`DROP DATABASE IF EXISTS "${into}" WITH (FORCE)`, { db: "postgres", note: "cleanup" }).catch(() => undefined);
    }
  },
};

export const restoreRefusesExisting: Workflow = {
  service: "logical_backup",
  meta: {
    id: "workflow/restore-refuses-existing",
    kind: "workflow",
    title: "Restore onto an existing database is refused without --force, data untouched",
    severity: "high",
    refs: ["pg_restore --clean hazards"],
    remediation: "manage restore must check for the target database before touching anything and exit 2 unless --force is given.",
  },
  async run(ctx) {
    const list = await ctx.manage(["list"]);
    const id = (list.json?.backups as Array<{ id: string }> | undefined)?.[0]?.id;
    if (!id) return fail("no finished backup to try a restore with (run workflow/backup-roundtrip first)");
    // The database's identity plus the content of a table no concurrent workflow writes
    // (the queue checks run alongside and change app.jobs).
    const fingerprint = `SELECT (SELECT oid FROM pg_database WHERE datname = current_database()) || ':' || count(*) || ':' || coalesce(sum(hashtext(e::text)), 0) FROM app.events e`;
    const before = await ctx.psql(fingerprint);
    const r = await ctx.manage(["restore", id]);
    const after = await ctx.psql(fingerprint);
    if (r.r.exitCode !== 2) return fail(`restore onto the existing database exited ${r.r.exitCode}, expected 2 (refused)`);
    if (!/already exists/.test(r.r.stderr)) return fail(`refused without saying why: ${r.r.stderr.trim()}`);
    if (before !== after) return fail(`the database or app.events changed during a refused restore: ${before} -> ${after}`);
    return pass(`refused with exit 2 ("${r.r.stderr.trim().split("\n").pop()}"); database and app.events unchanged (${after})`);
  },
};
