// The one catalogue of every check apex can report, whatever its kind: the static rules,
// the runtime probes, the workflow checks and the checks verify makes of the stack itself.
// Reports, the SARIF rules table, `apex checks`/`apex explain`, --skip/--only, alias
// matching in exemptions and the generated docs all read it; nothing keeps a list of its own.
import { UsageError } from "./errors.ts";
import { DB_CHECKS } from "./database/registry.ts";
import { PROBES, RUNNING_META } from "./probes/registry.ts";
import { rules } from "./rules/registry.ts";
import { STACK_CHECKS } from "./stack/checks.ts";
import type { CheckMeta } from "./types.ts";
import { WORKFLOWS } from "./workflows/index.ts";

/** Only the documentation of a check (a Rule or Probe carries its function beside it). */
const metaOf = (m: CheckMeta): CheckMeta => ({
  id: m.id,
  title: m.title,
  kind: m.kind,
  severity: m.severity,
  refs: m.refs,
  remediation: m.remediation,
  ...(m.description ? { description: m.description } : {}),
  ...(m.aliases?.length ? { aliases: m.aliases } : {}),
});

export const CATALOGUE: readonly CheckMeta[] = [
  ...rules.map(metaOf),
  ...PROBES.map((p) => metaOf(p.meta)),
  metaOf(RUNNING_META),
  ...DB_CHECKS.map((c) => metaOf(c.meta)),
  ...WORKFLOWS.map((w) => metaOf(w.meta)),
  ...Object.values(STACK_CHECKS).map(metaOf),
];

const byName = new Map<string, CheckMeta>();
for (const c of CATALOGUE) for (const name of [c.id, ...(c.aliases ?? [])]) byName.set(name, c);

/** The check an id or a former id (alias) names, or undefined. */
export const findCheck = (name: string): CheckMeta | undefined => byName.get(name);

/** The permanent id behind an id or alias; unknown names come back unchanged. */
export const canonicalId = (name: string): string => byName.get(name)?.id ?? name;

/**
 * Which checks a run reports: --only (if given) narrows to those ids, --skip removes ids.
 * Names are ids or aliases; an unknown name is a usage error, so a typo never silently
 * turns a check off.
 */
export interface Selection {
  only?: Set<string>;
  skip: Set<string>;
}

export function selection(only: string[] = [], skip: string[] = []): Selection {
  const resolve = (flag: string, names: string[]) =>
    new Set(
      names.flatMap((n) => n.split(",")).map((n) => n.trim()).filter(Boolean).map((n) => {
        const c = findCheck(n);
        if (!c) throw new UsageError(`${flag} ${n}: no such check (list them with \`apex checks\`)`);
        return c.id;
      }),
    );
  const o = resolve("--only", only);
  return { ...(o.size ? { only: o } : {}), skip: resolve("--skip", skip) };
}

export const selected = (s: Selection | undefined, id: string): boolean =>
  !s || ((!s.only || s.only.has(id)) && !s.skip.has(id));
