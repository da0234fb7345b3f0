// Entry point of the worker image (bundled to dist/worker.mjs).
//   node worker.mjs           run migrations, then the echo/fail/sleep tasks until SIGTERM
//   node worker.mjs --health  exit 0 when the heartbeat file is fresh (compose healthcheck)
//   node worker.mjs --migrate run graphile-worker's migrations and the app's grants, then
//                             exit (the db_migrate one-shot, as apex_owner)
import pg from "pg";
import { run, type Runner, type TaskList } from "graphile-worker";
import { ConfigError } from "../../api/src/shared/env.ts";
import { createLog, type Log } from "../../api/src/shared/log.ts";
import { onShutdown } from "../../api/src/shared/shutdown.ts";
import { graphileLogger } from "./graphileLog.ts";
import { trackedTask } from "./bookkeeping.ts";
import { heartbeatSettings, loadWorkerConfig, type WorkerConfig } from "./config.ts";
import { heartbeatProblem, writeHeartbeat } from "./heartbeat.ts";
import { migrate } from "./migrate.ts";
import { taskBodies } from "./tasks.ts";

function healthMode(): number {
  const hb = heartbeatSettings(process.env);
  const problem = heartbeatProblem(hb.heartbeatFile, hb.heartbeatMaxAgeMs);
  process.stdout.write(problem ? `unhealthy: ${problem}\n` : "ok\n");
  return problem ? 1 : 0;
}

function makePool(cfg: WorkerConfig, log: Log): pg.Pool {
  const pool = new pg.Pool({
    ...cfg.pg, // host, port, database, user, password (pgSettings)
    // graphile-worker wants one connection per concurrent job, one for LISTEN, and spare
    max: cfg.concurrency + 3,
    connectionTimeoutMillis: 5000,
    application_name: `apex-worker ${cfg.workerId}`,
  });
  // Idle and checked-out clients can both lose their connection; without these handlers
  // node would crash (and graphile-worker warns on stderr that they are missing).
  pool.on("error", (err) => log.warn("postgres pool client error", { err }));
  pool.on("connect", (client) => client.on("error", (err) => log.warn("postgres client error", { err })));
  return pool;
}

async function migrateMode(): Promise<void> {
  const cfg = loadWorkerConfig();
  const log = createLog("db_migrate", cfg.logLevel);
  const pool = makePool(cfg, log);
  try {
    await migrate(pool, graphileLogger(log));
    log.info("migrations and grants applied", { role: cfg.pg.user });
  } finally {
    await pool.end().catch(() => undefined);
  }
}

async function start(): Promise<void> {
  const cfg = loadWorkerConfig();
  const log = createLog("worker", cfg.logLevel);
  const pool = makePool(cfg, log);

  const taskList: TaskList = {};
  for (const [name, body] of Object.entries(taskBodies)) {
    taskList[name] = trackedTask(body, pool, cfg.workerId, (msg, f) => log.info(msg, f));
  }

  // run() migrates the graphile_worker schema first. No crontab and no task directory,
  // so graphile-worker reads and writes no files.
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: cfg.concurrency,
      pollInterval: cfg.pollIntervalMs,
      noHandleSignals: true,
      taskList,
      parsedCronItems: [], // an empty schedule: graphile-worker then never looks for a crontab file
      logger: graphileLogger(log),
      // Completions go through graphile-worker's batcher (delay 0: no waiting), which its
      // shutdown flushes. Without it a job that finished while draining was recorded only
      // in memory: the worker exited with the job (and its named queue) still locked, to be
      // run again when the lock expired four hours later.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  log.info("worker running", { workerId: cfg.workerId, concurrency: cfg.concurrency, pg: `${cfg.pg.host}:${cfg.pg.port}`, tasks: Object.keys(taskList) });

  const beat = async () => {
    try {
      await pool.query("SELECT 1");
      writeHeartbeat(cfg.heartbeatFile);
    } catch (err) {
      log.warn("heartbeat skipped: postgres not answering", { err });
    }
  };
  await beat();
  const heartbeat = setInterval(beat, cfg.heartbeatIntervalMs);

  let stopping = false;
  onShutdown(
    log,
    async () => {
      stopping = true;
      clearInterval(heartbeat);
      await runner.stop();
      await pool.end();
    },
    { doing: "draining: no new jobs, waiting for in-flight ones" },
  );

  // The runner ends on its own only on a fatal error (e.g. the database went away for good).
  runner.promise.then(
    () => {
      if (!stopping) {
        log.error("runner stopped unexpectedly");
        process.exit(1);
      }
    },
    (err) => {
      log.error("runner failed", { err });
      process.exit(1);
    },
  );
}

async function main(): Promise<void> {
  if (process.argv.includes("--health")) process.exit(healthMode());
  try {
    if (process.argv.includes("--migrate")) {
      await migrateMode();
      process.exit(0);
    }
    await start();
  } catch (err) {
    const prefix = err instanceof ConfigError ? "worker: configuration error" : "worker: cannot start";
    process.stderr.write(`${prefix}: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}

void main();
