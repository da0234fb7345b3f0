// Pure conversions from what Docker prints (resolved compose service, docker inspect,
// compose ps) into the facts the probes judge.
import type { ResolvedService } from "../sources/compose.ts";
import type { DeclaredFacts, InspectFacts, TmpfsDecl } from "./facts.ts";
import { clip } from "../redact.ts";
import { declaredTmpfs } from "../sources/tmpfs.ts";
import { normalizeCap, parseBytes } from "./parse.ts";

export function declaredFacts(s: ResolvedService | undefined): DeclaredFacts {
  const tmpfs: TmpfsDecl[] = declaredTmpfs(s).map((t) => ({ path: t.target, options: t.options, source: t.longSyntax ? `volumes[${t.index}]` : t.raw }));
  const volumes: DeclaredFacts["volumes"] = (s?.volumes ?? []).map((v) => ({ target: v.target, readOnly: !!v.read_only, type: v.type }));
  const lim = s?.deploy?.resources?.limits;
  const pids = s?.pids_limit ?? lim?.pids;
  return {
    composeUser: s?.user,
    capAdd: (s?.cap_add ?? []).map(normalizeCap),
    tmpfs,
    volumes,
    memLimit: parseBytes(s?.mem_limit ?? lim?.memory),
    pidsLimit: pids === undefined || pids === null ? undefined : Number(pids),
    healthcheck: !!s?.healthcheck && !s.healthcheck.disable,
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function inspectFacts(j: Json): InspectFacts {
  const hc: Json = j.HostConfig ?? {};
  const cfg: Json = j.Config ?? {};
  const h: Json | undefined = j.State?.Health;
  const last: Json | undefined = h?.Log?.[h.Log.length - 1];
  return {
    id: String(j.Id ?? "").slice(0, 12),
    name: String(j.Name ?? "").replace(/^\//, ""),
    image: String(cfg.Image ?? ""),
    configUser: String(cfg.User ?? ""),
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    readonlyRootfs: !!hc.ReadonlyRootfs,
    securityOpt: hc.SecurityOpt ?? [],
    privileged: !!hc.Privileged,
    pidMode: String(hc.PidMode ?? ""),
    memory: Number(hc.Memory ?? 0),
    pidsLimit: hc.PidsLimit ?? null,
    status: String(j.State?.Status ?? ""),
    exitCode: j.State?.ExitCode,
    service: cfg.Labels?.["com.docker.compose.service"],
    oneoff: cfg.Labels?.["com.docker.compose.oneoff"] === "True",
    mountPaths: [...new Set([...Object.keys(hc.Tmpfs ?? {}), ...((j.Mounts ?? []) as Json[]).map((m) => String(m.Destination))])],
    networks: Object.fromEntries(
      Object.entries((j.NetworkSettings?.Networks ?? {}) as Record<string, Json>)
        .filter(([, n]) => n?.IPAddress)
        .map(([name, n]) => [name, String(n.IPAddress)]),
    ),
    health: h ? { status: String(h.Status), lastOutput: typeof last?.Output === "string" ? clip(last.Output, 500) : undefined, lastExit: last?.ExitCode } : undefined,
    raw: {
      "Config.User": cfg.User ?? "",
      CapAdd: hc.CapAdd ?? null,
      CapDrop: hc.CapDrop ?? null,
      ReadonlyRootfs: !!hc.ReadonlyRootfs,
      SecurityOpt: hc.SecurityOpt ?? null,
      Privileged: !!hc.Privileged,
    },
  };
}
