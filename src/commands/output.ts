// Where a command's own words go (not the report: writeReport owns that). When the report
// is written to stdout (`--out -`), stdout carries the report and nothing else, so the
// summary moves to stderr, as hadolint and trivy do. `--quiet` keeps the final one-line
// result only (errors are cli.ts's, always on stderr). Every line is redacted.
import { styleText } from "node:util";
import { redact } from "../redact.ts";
import { STDOUT } from "../report/index.ts";

export interface OutputOptions {
  out: string;
  quiet?: boolean;
  /** false for --no-color (commander's negated option); undefined or true: decided by the stream. */
  color?: boolean;
}

export type Tone = "fail" | "pass" | "waived";

export interface Output {
  /** A detail line (one failure, where the report went): dropped by --quiet. */
  detail(line: string): void;
  /** The final one-line result: printed even with --quiet. */
  result(line: string): void;
  /** A status word, coloured when colour is on. */
  paint(word: string, tone: Tone): string;
}

const STYLE: Record<Tone, "red" | "green" | "yellow"> = { fail: "red", pass: "green", waived: "yellow" };

/** The NO_COLOR convention (no-color.org): present and not empty turns colour off; so do
 *  --no-color and a stream that is not a terminal (a pipe, a file, a CI log). */
export function colorWanted(flag: boolean | undefined, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag !== false && stream.isTTY === true && !env.NO_COLOR;
}

export function createOutput(opts: OutputOptions, streams = { stdout: process.stdout, stderr: process.stderr }): Output {
  const stream = opts.out === STDOUT ? streams.stderr : streams.stdout;
  const color = colorWanted(opts.color, stream);
  const write = (line: string) => stream.write(`${redact(line)}\n`);
  return {
    detail: (line) => opts.quiet || write(line),
    result: write,
    // colour is decided above, for the stream written to; styleText would judge stdout by TERM
    paint: (word, tone) => (color ? styleText(STYLE[tone], word, { validateStream: false }) : word),
  };
}
