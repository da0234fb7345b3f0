// A service's tmpfs mounts as compose declares them, from either syntax: the one reading
// that the static rules (sources/load.ts) and the runtime probes (probes/model.ts) share.
import type { ResolvedService } from "./compose.ts";

export interface DeclaredTmpfs {
  target: string;
  /** uid=1000 → "1000"; noexec → true. Long syntax carries only mode (octal) and size. */
  options: Record<string, string | true>;
  raw: string;
  /** `volumes: - type: tmpfs` (cannot set uid/gid, compose-spec #278) */
  longSyntax: boolean;
  /** Index in the service's `tmpfs` list, or in its `volumes` list for the long syntax. */
  index: number;
}

/** `/tmp:uid=1000,gid=1000,mode=1777,noexec` → target + options. */
export function parseTmpfs(raw: string): { target: string; options: Record<string, string | true>; raw: string } {
  const i = raw.indexOf(":");
  const target = i < 0 ? raw : raw.slice(0, i);
  const options: Record<string, string | true> = {};
  if (i >= 0)
    for (const opt of raw.slice(i + 1).split(",").filter(Boolean)) {
      const [k, v] = opt.split("=");
      if (k) options[k.trim()] = v === undefined ? true : v.trim();
    }
  return { target, options, raw };
}

export function declaredTmpfs(svc: ResolvedService | undefined): DeclaredTmpfs[] {
  const list = svc?.tmpfs === undefined ? [] : Array.isArray(svc.tmpfs) ? svc.tmpfs : [svc.tmpfs as unknown as string];
  const short = list.map((t, index) => ({ ...parseTmpfs(t), longSyntax: false, index }));
  const long: DeclaredTmpfs[] = [];
  (svc?.volumes ?? []).forEach((v, index) => {
    if (v.type !== "tmpfs") return;
    const options: Record<string, string | true> = {};
    if (v.tmpfs?.mode !== undefined) options.mode = v.tmpfs.mode.toString(8);
    if (v.tmpfs?.size !== undefined) options.size = String(v.tmpfs.size);
    long.push({ target: v.target, options, raw: `type: tmpfs, target: ${v.target}`, longSyntax: true, index });
  });
  return [...short, ...long];
}
