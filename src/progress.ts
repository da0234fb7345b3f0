// Phase progress for people: one line per phase with its duration on a terminal; silent
// when stderr is not a terminal (CI logs get the final summary only). APEX_PROGRESS=1
// forces it on, APEX_PROGRESS=0 off; --quiet (opts.quiet) silences it whatever the rest says.
import type { PhaseTiming } from "./types.ts";

export interface Progress {
  phase<T>(name: string, work: () => Promise<T>, opts?: { failed?: (value: T) => boolean }): Promise<T>;
  note(text: string): void;
  /** A phase that did not run, and why (recorded with status skip). */
  skip(name: string, why: string): void;
  readonly phases: PhaseTiming[];
}

export function createProgress(scrub: (s: string) => string = (s) => s, opts: { quiet?: boolean } = {}): Progress {
  const forced = process.env.APEX_PROGRESS;
  const enabled = !opts.quiet && (forced === "1" || (forced !== "0" && Boolean(process.stderr.isTTY)));
  const phases: PhaseTiming[] = [];
  const write = (s: string) => enabled && process.stderr.write(scrub(s));
  return {
    phases,
    note: (text) => write(`  ${text}\n`),
    skip(name, why) {
      phases.push({ name, status: "skip", durationMs: 0, note: why });
      write(`- ${name} skipped: ${why}\n`);
    },
    async phase(name, work, opts) {
      write(`▸ ${name} …\n`);
      const started = performance.now();
      try {
        const value = await work();
        const status = opts?.failed?.(value) ? "fail" : "pass";
        const durationMs = Math.round(performance.now() - started);
        phases.push({ name, status, durationMs });
        write(`${status === "pass" ? "✓" : "✗"} ${name} ${(durationMs / 1000).toFixed(1)}s\n`);
        return value;
      } catch (err) {
        const durationMs = Math.round(performance.now() - started);
        const note = err instanceof Error ? err.message.split("\n")[0] : String(err);
        phases.push({ name, status: "fail", durationMs, note });
        write(`✗ ${name} ${(durationMs / 1000).toFixed(1)}s: ${note}\n`);
        throw err;
      }
    },
  };
}
