// Bad input is a result, not a crash: every UsageError becomes one line on stderr and
// exit code 2 (DESIGN.md contract). `file` and `line` point at the offending input.
export class UsageError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "UsageError";
  }

  /** "infra/compose.yaml:12: message", or just the message when no file is known. */
  oneLine(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    return `${where}${this.message}`.replace(/\s*\n\s*/g, " ");
  }
}

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
