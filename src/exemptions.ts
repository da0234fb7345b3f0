// Exemptions are data (DESIGN.md decision 9): `infra/exemptions.yaml` lists
// `{service, rules, justification, expires?}`. Every waiver of a failing check, including
// volume_prep's and every cap_add, comes from here; nothing is exempted in code.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument, LineCounter, isMap, isSeq, isScalar, type Node } from "yaml";
import { canonicalId, findCheck } from "./catalogue.ts";
import type { ComposeTarget } from "./docker.ts";
import { UsageError } from "./errors.ts";
import type { ResolvedCompose } from "./sources/compose.ts";
import { servicesNotRun } from "./stack/host.ts";
import { shownPath } from "./sources/paths.ts";
import type { CheckResult, Location } from "./types.ts";

export interface Exemption {
  service: string;
  rules: string[]; // catalogue ids (an alias written in the file is stored as its id)
  justification: string;
  expires?: string; // YYYY-MM-DD: the exemption waives nothing after this day (UTC)
  source: Location;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** The exemptions file chosen for a compose model: the one --exemptions names (it must
 *  exist: loading it says so), else `exemptions.yaml` beside the first compose file (the
 *  model's own directory), else none: a repository without one has no exemptions. No other
 *  file is ever read, so an exemptions.yaml elsewhere (the cwd, beside a later -f file)
 *  neither waives anything nor is an error. */
export function chosenExemptionsFile(explicit: string | undefined, composeFiles: string[]): string | undefined {
  if (explicit) return explicit;
  const beside = join(dirname(composeFiles[0] ?? "infra/compose.yaml"), "exemptions.yaml");
  return existsSync(beside) ? beside : undefined;
}

/** The chosen file, judged against every service the model declares under any profile, as
 *  compose itself counts them (`include`, `extends` and several -f files included): a name
 *  outside that is a typo or a stale entry, and an error. */
export async function loadExemptionsFor(file: string | undefined, target: ComposeTarget, resolved: ResolvedCompose): Promise<Exemption[]> {
  if (!file) return [];
  const inOtherProfiles = await servicesNotRun(target, resolved);
  return loadExemptions(file, [...Object.keys(resolved.services ?? {}), ...inOtherProfiles]);
}

export function loadExemptions(file: string, knownServices: string[]): Exemption[] {
  const rel = shownPath(process.cwd(), file);
  if (!existsSync(file)) throw new UsageError("exemptions file not found", rel);
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lc, prettyErrors: false });
  const lineOf = (n: unknown) => {
    const r = (n as Node | undefined)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  const bad = (msg: string, n?: unknown): never => {
    throw new UsageError(msg, rel, lineOf(n));
  };
  const err = doc.errors[0];
  if (err) throw new UsageError(`malformed YAML: ${err.message.split("\n")[0]}`, rel, lc.linePos(err.pos[0]).line);
  const list = doc.get("exemptions", true);
  if (list === undefined || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) return bad("`exemptions` must be a list", list);
  return list.items.map((item) => {
    if (!isMap(item)) return bad("each exemption must be a mapping {service, rules, justification, expires?}", item);
    const at = { file: rel, line: lineOf(item) };
    const get = (k: string) => item.get(k, true) as Node | undefined;
    for (const p of item.items) {
      const k = isScalar(p.key) ? String(p.key.value) : "";
      if (!["service", "rules", "justification", "expires"].includes(k)) bad(`unknown exemption field "${k}"`, p.key);
    }
    const service = get("service");
    if (!isScalar(service) || typeof service.value !== "string" || !service.value) return bad("exemption without a `service`", item);
    if (!knownServices.includes(service.value))
      bad(`exemption names unknown service "${service.value}" (known: ${knownServices.join(", ")})`, service);
    const rules = get("rules");
    if (!isSeq(rules) || !rules.items.length || !rules.items.every((r) => isScalar(r) && typeof r.value === "string" && r.value))
      bad(`exemption for "${service.value}" needs \`rules\`: a non-empty list of check ids`, rules ?? item);
    // Each waiver names what it waives: a wildcard would also waive checks added later,
    // unread, and a misspelt id would waive nothing while looking like it did.
    for (const r of (rules as import("yaml").YAMLSeq<import("yaml").Scalar<string>>).items) {
      if (r.value.includes("*")) bad(`exemption for "${service.value}": "${r.value}" is a wildcard; name each check it waives (see \`apex checks\`)`, r);
      if (!findCheck(r.value)) bad(`exemption for "${service.value}" names unknown check "${r.value}" (see \`apex checks\`)`, r);
    }
    const just = get("justification");
    const reason = isScalar(just) && typeof just.value === "string" ? just.value.trim() : "";
    if (!reason) bad(`exemption for "${service.value}" has no justification`, just ?? item);
    const exp = get("expires");
    let expires: string | undefined;
    if (exp !== undefined) {
      // YAML reads an unquoted 2026-01-31 as a string in the core schema; accept both.
      expires = isScalar(exp) ? (exp.value instanceof Date ? exp.value.toISOString().slice(0, 10) : String(exp.value)) : "";
      if (!validDate(expires)) bad(`exemption for "${service.value}": expires must be a date YYYY-MM-DD, got "${expires}"`, exp);
    }
    return {
      service: service.value,
      rules: (rules as import("yaml").YAMLSeq<import("yaml").Scalar<string>>).items.map((r) => canonicalId(r.value)),
      justification: reason,
      expires,
      source: at,
    };
  });
}

/** Expired at the end of its `expires` day, UTC. */
export function isExpired(e: Exemption, now: Date): boolean {
  return e.expires !== undefined && now.getTime() >= new Date(`${e.expires}T00:00:00Z`).getTime() + 86_400_000;
}

/** Failing checks an active exemption covers become `waived`; nothing else changes. */
export function applyExemptions(results: CheckResult[], exemptions: Exemption[], now = new Date()): CheckResult[] {
  return results.map((r) => {
    if (r.status !== "fail") return r;
    const matching = exemptions.filter((e) => e.service === r.service && e.rules.includes(canonicalId(r.id)));
    const active = matching.find((e) => !isExpired(e, now));
    if (!active) {
      const expired = matching[0];
      if (!expired) return r;
      const where = `${expired.source.file}:${expired.source.line}`;
      return { ...r, message: `${r.message} (exemption at ${where} expired on ${expired.expires})` };
    }
    return {
      ...r,
      status: "waived",
      message: `${r.message} — waived: ${active.justification}`,
      waiver: { reason: active.justification, expires: active.expires, source: active.source },
    };
  });
}
