// Which stack `manage` talks to: compose files + project name, exactly the flags
// `docker compose` itself takes (default infra/compose.yaml, project "apex").
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_COMPOSE = resolve(REPO_ROOT, "infra/compose.yaml");
export const DEFAULT_PROJECT = "apex";
/** The service whose container holds the backups volume and runs apex-backup as apex_backup. */
export const BACKUP_SERVICE = "logical_backup";
/** Where the commands that need the superuser run: the server's own container, over its
 *  socket (the superuser may not log in over the network). */
export const DB_SERVICE = "postgres";

export interface Target {
  files: string[];
  projectName: string;
}

export function makeTarget(compose: string[] | undefined, project: string | undefined): Target {
  const files = (compose?.length ? compose : [DEFAULT_COMPOSE]).map((f) => resolve(f));
  for (const f of files) if (!existsSync(f)) throw new UsageError("compose file not found", f);
  const projectName = project ?? process.env.COMPOSE_PROJECT_NAME ?? DEFAULT_PROJECT;
  // compose's own rule for project names; checked here so the error names the flag
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(projectName))
    throw new UsageError(`-p "${projectName}": a project name is lowercase letters, digits, "-" and "_"`);
  return { files, projectName };
}

export function composePrefix(t: Target): string[] {
  return ["compose", ...t.files.flatMap((f) => ["-f", f]), "-p", t.projectName];
}
