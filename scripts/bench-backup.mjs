#!/usr/bin/env node
// Benchmark (not a test): `manage backup --type=full --verify` against a plain `pg_dump -Fc`
// of the same database in the same run, on a throwaway project of the real, hardened stack.
//   node scripts/bench-backup.mjs [--rows 5000000] [--keep]
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

  log("plain pg_dump -Fc (same container, same compression) ...");
  const plain = await timed(() =>
    $`docker ${dc} exec -T logical_backup pg_dump -Fc -d apex -f /var/lib/postgresql/backups/plain.dump`,
  );
  const plainBytes = Number((await $`docker ${dc} exec -T logical_backup stat -c %s /var/lib/postgresql/backups/plain.dump`).stdout.trim());
  await $`docker ${dc} exec -T logical_backup rm -f /var/lib/postgresql/backups/plain.dump`;
  log(`  ${secs(plain.ms)} s, ${plainBytes} bytes`);

  log("manage backup --type=full --verify ...");
  const managed = await timed(() => $`node ${resolve(root, "scripts/manage")} backup --type=full --verify -p ${project} --json`);
  const res = JSON.parse(managed.out.stdout.trim().split("\n").pop());
  if (res.verification !== "passed") throw new Error(`verification ${res.verification}`);
  const manifest = JSON.parse((await $`docker ${dc} exec -T logical_backup cat /var/lib/postgresql/backups/${res.id}/manifest.json`).stdout);
  const steps = Object.fromEntries(manifest.verification.steps.map((s) => [s.name, s.ms]));
  const figures = {
    rows: Number(manifest.totals.rows),
    databaseBytes: dbBytes,
    plainPgDumpSeconds: +secs(plain.ms),
    backupOnlySeconds: +secs(manifest.durationMs),
    backupVerifySeconds: +secs(managed.ms),
    ratioBackupVerifyVsPlain: +(managed.ms / plain.ms).toFixed(2),
    ratioBackupOnlyVsPlain: +(manifest.durationMs / plain.ms).toFixed(2),
    throughputMiBps: +(dbBytes / 2 ** 20 / (managed.ms / 1000)).toFixed(1),
    plainThroughputMiBps: +(dbBytes / 2 ** 20 / (plain.ms / 1000)).toFixed(1),
    dumpBytes: manifest.files.find((f) => f.name === "apex.dump").bytes,
    verifyStepsMs: steps,
  };
  log(`\nbackup+verify ${figures.backupVerifySeconds} s vs plain pg_dump ${figures.plainPgDumpSeconds} s: ratio ${figures.ratioBackupVerifyVsPlain} (backup alone ${figures.ratioBackupOnlyVsPlain})`);
  log(`throughput ${figures.throughputMiBps} MiB/s of database (plain pg_dump ${figures.plainThroughputMiBps} MiB/s); verify steps ms ${JSON.stringify(steps)}`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  if (!keep) await $`docker ${dc} down -v -t 5`.nothrow();
}
