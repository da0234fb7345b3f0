// SIGTERM/SIGINT handling shared by the api and the worker (the worker bundle inlines it):
// the first signal runs `stop` (drain, close the clients) and exits 0, or 1 if stopping
// failed or took longer than `limitMs`; a second signal while stopping exits 1 at once.
import type { Log } from "./log.ts";

export interface ShutdownOptions {
  /** What the log line says the service is doing while it stops. */
  doing: string;
  /** Give up and exit 1 after this long (compose's stop_grace_period should be longer). */
  limitMs?: number;
}

export function onShutdown(log: Log, stop: () => Promise<void>, opts: ShutdownOptions): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn("second signal while stopping, exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    log.info(opts.doing, { signal });
    if (opts.limitMs) {
      const force = setTimeout(() => {
        log.error("shutdown took too long, exiting", { limitMs: opts.limitMs });
        process.exit(1);
      }, opts.limitMs);
      force.unref();
    }
    stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err) => {
        log.error("error while stopping", { err });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
