// The one place the database-posture checks talk to Docker: gather.sql through psql in the
// database's own container, as its superuser on the socket (no password, no network).
import { readFileSync } from "node:fs";
import { compose, type ComposeTarget } from "../docker.ts";
import { clip } from "../redact.ts";
import type { ResolvedCompose } from "../sources/compose.ts";
import type { DatabaseFacts, ServiceRole } from "./facts.ts";

const GATHER_SQL = readFileSync(new URL("./gather.sql", import.meta.url), "utf8");

const userOfUrl = (url: string | undefined) => (url ? /^postgres(?:ql)?:\/\/([^:@/]+)[:@]/.exec(url)?.[1] : undefined);

/** The database service (what the services' PGHOST names) and each service's login role. */
export function databaseTopology(model: ResolvedCompose): { dbService?: string; database: string; roles: ServiceRole[] } {
  const env = (s: string) => (model.services[s]?.environment ?? {}) as Record<string, string | null | undefined>;
  const roles: ServiceRole[] = [];
  const hosts = new Map<string, number>();
  let database = "apex";
  for (const service of Object.keys(model.services).sort()) {
    const e = env(service);
    const host = e.PGHOST ?? undefined;
    if (host?.startsWith("/")) continue; // the server's own socket: the superuser at home
    const role = e.PGUSER ?? userOfUrl(e.DATABASE_URL ?? undefined);
    if (!role) continue;
    roles.push({ service, role });
    if (e.PGDATABASE) database = e.PGDATABASE;
    if (host && host in model.services) hosts.set(host, (hosts.get(host) ?? 0) + 1);
  }
  // the server most services connect to directly (the api goes through pgbouncer)
  const dbService = [...hosts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { dbService, database, roles };
}

export async function collectDatabase(target: ComposeTarget, dbService: string, database: string, roles: string[]): Promise<DatabaseFacts> {
  const argv = ["exec", "-T", dbService, "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-v", `roles=${roles.join(",")}`, "-d", database, "-f", "-"];
  const r = await compose(target, argv, { input: GATHER_SQL, timeoutMs: 60_000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("apex-db-facts "));
  if (r.exitCode !== 0 || !line) throw new Error(`psql in ${dbService} exited ${r.exitCode}: ${(r.stderr.trim().split("\n").pop() ?? "").slice(0, 300)}`);
  const facts = JSON.parse(line.slice("apex-db-facts ".length)) as Omit<DatabaseFacts, "command" | "output">;
  return { ...facts, command: ["docker", "compose", ...argv, "< src/database/gather.sql"], output: clip(line, 4000, "head") };
}
