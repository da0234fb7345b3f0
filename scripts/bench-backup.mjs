#!/usr/bin/env node
// Benchmark (not a test): a plain `pg_dump -Fc` (its default gzip), `manage backup --type=full`
// and `manage backup --type=full --verify` of the same database, in the same run, alternating,
// on a throwaway project of the real, hardened stack; medians of --runs, MiB/s and the ratios.
// Also a plain `pg_dump -Fc` with manage's own compression (APEX_BACKUP_COMPRESS, zstd:1), so
// that the ratios can be read both against pg_dump's default and like for like.
//   node scripts/bench-backup.mjs [--rows 5000000] [--runs 3] [--keep]
// Prints the figures and one JSON line. Needs the images built (npm run build:services).
import { $ } from "zx";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const rows = Number(arg("--rows", "5000000"));
const runs = Number(arg("--runs", "3"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keep = process.argv.includes("--keep");
const project = `apex-bench-${Math.random().toString(36).slice(2, 8)}`;
const dc = ["compose", "-f", resolve(root, "infra/compose.yaml"), "-p", project];
$.quiet = true;

const log = (s) => process.stderr.write(`${s}\n`);
const secs = (ms) => (ms / 1000).toFixed(1);
async function timed(fn) {
  const t0 = performance.now();
  const out = await fn();
  return { ms: performance.now() - t0, out };
}
const psql = (sql) => $({ input: sql })`docker ${dc} exec -T postgres psql -X -q -At -v ON_ERROR_STOP=1 -d apex`;

try {
  log(`bench-backup: project ${project}, ${rows} rows`);
  await $`docker ${dc} up -d --wait postgres logical_backup`;
  log("seeding app.bench ...");
  const seed = await timed(() =>
    psql(`CREATE TABLE app.bench AS
            SELECT g AS id, timestamptz '2026-01-01' + g * interval '1 second' AS ts,
                   md5(g::text) AS a, md5((g * 3)::text) AS b, repeat('x', 100) AS c
            FROM generate_series(1, ${rows}) g;
          ALTER TABLE app.bench ADD PRIMARY KEY (id);
          VACUUM ANALYZE app.bench;`),
  );
  const dbBytes = Number((await psql("SELECT pg_database_size('apex')")).stdout.trim());
  log(`  seeded in ${secs(seed.ms)} s; database ${(dbBytes / 2 ** 30).toFixed(2)} GiB`);

  const B = "/var/lib/postgresql/backups";
  const manage = (...extra) => $`node ${resolve(root, "scripts/manage")} backup --type=full ${extra} -p ${project} --json`;
  const removeBackup = (id) => $`docker ${dc} exec -T logical_backup rm -rf ${B}/${id}`;
  const compress = process.env.APEX_BACKUP_COMPRESS || "zstd:1";
  const t = { plain: [], plainSame: [], backup: [], verify: [] };
  // a plain pg_dump in logical_backup (where manage's runs too): its time and file size
  const plainDump = async (extra) => {
    const r = await timed(() => $`docker ${dc} exec -T logical_backup pg_dump -Fc ${extra} -d apex -f ${B}/plain.dump`);
    const bytes = Number((await $`docker ${dc} exec -T logical_backup stat -c %s ${B}/plain.dump`).stdout.trim());
    await $`docker ${dc} exec -T logical_backup rm -f ${B}/plain.dump`;
    return { ms: r.ms, bytes };
  };
  let dumpBytes = 0;
  let steps = {};
  for (let i = 1; i <= runs; i++) {
    const plain = await plainDump([]);
    dumpBytes = plain.bytes;
    t.plain.push(plain.ms);
    const same = await plainDump([`--compress=${compress}`]);
    t.plainSame.push(same.ms);
    const backup = await timed(() => manage());
    await removeBackup(JSON.parse(backup.out.stdout.trim().split("\n").pop()).id);
    t.backup.push(backup.ms);
    const verified = await timed(() => manage("--verify"));
    const res = JSON.parse(verified.out.stdout.trim().split("\n").pop());
    if (res.verification !== "passed") throw new Error(`verification ${res.verification}`);
    const manifest = JSON.parse((await $`docker ${dc} exec -T logical_backup cat ${B}/${res.id}/manifest.json`).stdout);
    steps = Object.fromEntries(manifest.verification.steps.map((x) => [x.name, x.ms]));
    await removeBackup(res.id);
    t.verify.push(verified.ms);
    log(`  run ${i}/${runs}: pg_dump ${secs(plain.ms)} s, pg_dump --compress=${compress} ${secs(same.ms)} s, manage backup ${secs(backup.ms)} s, manage backup --verify ${secs(verified.ms)} s`);
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const mibps = (ms) => +(dbBytes / 2 ** 20 / (ms / 1000)).toFixed(1);
  const figures = {
    rows,
    runs,
    databaseBytes: dbBytes,
    dumpBytes,
    seconds: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.map((ms) => +secs(ms))])),
    compression: compress,
    medianSeconds: { plainPgDump: +secs(m.plain), plainPgDumpSameCompression: +secs(m.plainSame), backup: +secs(m.backup), backupVerify: +secs(m.verify) },
    MiBps: { plainPgDump: mibps(m.plain), plainPgDumpSameCompression: mibps(m.plainSame), backup: mibps(m.backup), backupVerify: mibps(m.verify) },
    ratioBackupVsPlain: +(m.backup / m.plain).toFixed(2),
    ratioBackupVerifyVsPlain: +(m.verify / m.plain).toFixed(2),
    ratioBackupVsSameCompression: +(m.backup / m.plainSame).toFixed(2),
    ratioBackupVerifyVsSameCompression: +(m.verify / m.plainSame).toFixed(2),
    lastVerifyStepsMs: steps,
  };
  const ms = figures.medianSeconds;
  const mb = figures.MiBps;
  log(`\nmedians of ${runs}:`);
  log(`  pg_dump -Fc (gzip)              ${ms.plainPgDump} s  ${mb.plainPgDump} MiB/s`);
  log(`  pg_dump -Fc --compress=${compress.padEnd(8)} ${ms.plainPgDumpSameCompression} s  ${mb.plainPgDumpSameCompression} MiB/s`);
  log(`  manage backup                   ${ms.backup} s  ${mb.backup} MiB/s  x${figures.ratioBackupVsPlain} of pg_dump -Fc, x${figures.ratioBackupVsSameCompression} like for like`);
  log(`  manage backup --verify          ${ms.backupVerify} s  ${mb.backupVerify} MiB/s  x${figures.ratioBackupVerifyVsPlain} of pg_dump -Fc, x${figures.ratioBackupVerifyVsSameCompression} like for like`);
  log(`verify steps of the last run, ms: ${JSON.stringify(steps)}`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  if (!keep) await $`docker ${dc} down -v -t 5`.nothrow();
}
