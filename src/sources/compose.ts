// compose is read through Docker's own resolver (`docker compose config --format json`):
// interpolation, extends, merge keys, multiple -f files and profiles are compose's job,
// never re-implemented here (DESIGN.md decision 4).
import { existsSync } from "node:fs";
import { compose, type ComposeTarget } from "../docker.ts";
import { UsageError } from "../errors.ts";

/** The subset of the resolved compose model apex reads. Everything is optional in compose. */
export interface ResolvedService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string>; target?: string };
  user?: string;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  read_only?: boolean;
  privileged?: boolean;
  tmpfs?: string[];
  volumes?: Array<{ type: string; source?: string; target: string; read_only?: boolean; tmpfs?: { size?: number; mode?: number } }>;
  network_mode?: string;
  pid?: string;
  ipc?: string;
  uts?: string;
  ports?: Array<{ target: number; published?: string; host_ip?: string; protocol?: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  mem_limit?: string | number;
  pids_limit?: number;
  cpus?: number | string;
  deploy?: { resources?: { limits?: { memory?: string | number; pids?: number; cpus?: string | number } }; restart_policy?: unknown };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  ulimits?: Record<string, unknown>;
  secrets?: Array<{ source: string; target?: string }>;
  environment?: Record<string, string | null>;
  command?: string[] | null;
  entrypoint?: string[] | null;
  [key: string]: unknown;
}

export interface ResolvedCompose {
  name: string;
  services: Record<string, ResolvedService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
  configs?: Record<string, { file?: string }>;
  [key: string]: unknown;
}

/**
 * Resolve the compose model exactly as Docker will apply it. Compose's own error text
 * (with its file and line) becomes a one-line UsageError.
 */
export async function loadResolvedCompose(target: ComposeTarget): Promise<ResolvedCompose> {
  for (const f of target.files) if (!existsSync(f)) throw new UsageError("compose file not found", f);
  const r = await compose(target, ["config", "--format", "json"]);
  if (r.exitCode !== 0) {
    const msg = r.stderr.trim().split("\n").filter(Boolean).pop() ?? `docker compose config exited ${r.exitCode}`;
    throw new UsageError(`invalid compose configuration: ${msg}`, target.files[0]);
  }
  return JSON.parse(r.stdout) as ResolvedCompose;
}
