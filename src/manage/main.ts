// Argument parsing and exit codes for `scripts/manage`. Each command is a small module in
// commands/; this file only wires flags to them. Exit 0 ok, 1 failed, 2 bad input.
import { Command, CommanderError } from "commander";
import { UsageError, EXIT_FAIL, EXIT_USAGE } from "../errors.ts";
import { OperationError } from "./remote.ts";
import { makeTarget, type Target } from "./target.ts";
import * as backup from "./commands/backup.ts";
import * as restore from "./commands/restore.ts";
import * as maintenance from "./commands/maintenance.ts";
import * as env from "./commands/env.ts";

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface Common {
  compose?: string[];
  projectName?: string;
  json?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .option("-f, --compose <file>", "compose file (repeatable; default infra/compose.yaml)", collect)
    .option("-p, --project-name <name>", "compose project name (default apex)")
    .option("--json", "print the machine-readable result line instead of a summary");
}

/** `manage -p X backup` and `manage backup -p X` both work: hoist leading stack flags. */
export function hoistGlobals(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    if (["-p", "--project-name", "-f", "--compose"].includes(a) && i + 1 < argv.length) {
      globals.push(a, argv[i + 1]);
      i += 2;
    } else if (/^--(project-name|compose)=/.test(a)) {
      globals.push(a);
      i += 1;
    } else break;
  }
  if (globals.length === 0 || i >= argv.length) return argv;
  return [argv[i], ...globals, ...argv.slice(i + 1)];
}

export async function main(rawArgv: string[]): Promise<number> {
  const argv = hoistGlobals(rawArgv);
  let code = 0;
  const act =
    <O extends Common>(fn: (t: Target, o: O, ...rest: string[]) => Promise<number>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const o = cmd.opts<O>();
      const positional = args.slice(0, -2).filter((a): a is string => typeof a === "string");
      code = await fn(makeTarget(o.compose, o.projectName), o, ...positional);
    };

  const program = new Command("manage")
    .description("operate a live apex stack: verified backups, restore, daily maintenance, posture check")
    .exitOverride()
    .showHelpAfterError("(manage --help lists the commands)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  common(program.command("backup").description("logical dump of the database + globals, with a manifest; --verify runs the whole ladder"))
    .option("--type <type>", "full (the only kind a logical dump can be)", "full")
    .option("--verify", "verify it: sha256, pg_restore --list, full read, scratch restore + count/checksum compare")
    .option("--label <text>", "free text stored in the manifest")
    .action(act(backup.run));

  common(program.command("verify").description("run the verification ladder on a finished backup").argument("<backup>", "backup id (see: manage list)"))
    .action(act(backup.verify));

  common(program.command("list").description("finished backups, newest first, with their verification status")).action(act(backup.list));

  common(
    program
      .command("restore")
      .description("restore a backup; an existing database is only replaced with --force, and only after the restore succeeded")
      .argument("<backup>", "backup id (see: manage list)"),
  )
    .option("--into <db>", "target database (default: the backup's own database)")
    .option("--force", "replace the target database if it exists")
    .option("--verify", "compare the restored row counts and checksums with the manifest before swapping it in")
    .action(act(restore.run));

  common(program.command("prune").description("delete backups past the retention, only when a newer verified backup exists"))
    .option("--keep-days <n>", "retention in days (default: APEX_BACKUP_RETENTION_DAYS in the service, else 7)")
    .action(act(backup.prune));

  common(
    program
      .command("daily-maintenance")
      .description("pg_partman maintenance + check_default, VACUUM (ANALYZE) of busy tables, backup pruning, pg_stat_statements snapshot"),
  )
    .option("--keep-days <n>", "backup retention in days")
    .option("--no-reset", "keep pg_stat_statements counters after the snapshot")
    .option("--no-prune", "leave old backups alone")
    .action(act(maintenance.run));

  common(program.command("env").description("the posture rules of `apex policy` (cap_drop ALL, no-new-privileges, read-only root, not privileged) on the resolved compose config, with the same exemptions"))
    .option("--exemptions <file>", "exemptions file (default: exemptions.yaml beside the first compose file)")
    .action(act(env.run));

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof UsageError) {
      process.stderr.write(`manage: ${err.oneLine()}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof OperationError) {
      process.stderr.write(`manage: error: ${err.message}\n`);
      return EXIT_FAIL;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`manage: error: ${msg.split("\n")[0]}\n`);
    if (process.env.APEX_DEBUG) console.error(err);
    return EXIT_FAIL;
  }
}
