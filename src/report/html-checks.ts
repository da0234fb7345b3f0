// The check tables of the HTML report: failures, waivers and the per-service sections.
import type { CheckResult, Location } from "../types.ts";
import { evidenceText } from "./evidence.ts";
import { dotted, esc, serviceAnchor, serviceKey } from "./html-escape.ts";
import { rowAttributes } from "./html-filter.ts";
import { locationOf } from "./location.ts";

export const badge = (status: string) => `<span class="badge ${esc(status)}">${esc(status)}</span>`;
const at = (l?: Location) => (l ? `${l.file}${l.line ? `:${l.line}` : ""}` : "");

/** The finding without the " — waived: reason" applyExemptions appends: the reason is shown once, beside its source. */
export function findingOf(c: CheckResult): string {
  const suffix = c.waiver ? ` — waived: ${c.waiver.reason}` : "";
  return suffix && c.message.endsWith(suffix) ? c.message.slice(0, -suffix.length) : c.message;
}

export const serviceLink = (service: string | null) =>
  `<a href="#${serviceAnchor(service)}" data-service-link>${esc(serviceKey(service))}</a>`;

const idCell = (c: CheckResult) => `<code class="id">${esc(c.id)}</code><div class="meta">${esc(dotted([c.kind, c.refs.join(", ")]))}</div>`;

function waiverLine(c: CheckResult): string {
  if (!c.waiver) return "";
  const until = c.waiver.expires ? ` (until ${esc(c.waiver.expires)})` : "";
  return `<div class="muted">waived: ${esc(c.waiver.reason)}${until} — <code>${esc(at(c.waiver.source))}</code></div>`;
}

function resultCell(c: CheckResult, evidenceOpen: boolean): string {
  const loc = locationOf(c);
  const where = loc ? ` <code>${esc(at(loc))}</code>` : "";
  const fix = c.status === "fail" && c.remediation ? `<div><b>Fix:</b> ${esc(c.remediation)}</div>` : "";
  const ev = c.evidence.length ? `<details${evidenceOpen ? " open" : ""}><summary>evidence</summary><pre>${esc(evidenceText(c.evidence))}</pre></details>` : "";
  return `${esc(c.title)}<div>${esc(findingOf(c))}${where}</div>${waiverLine(c)}${fix}${ev}`;
}

/** Failures at the top of the page: service linked, finding, where, fix, evidence open. */
export function failuresTable(cs: CheckResult[]): string {
  if (!cs.length) return `<p>No check failed.</p>`;
  const rows = cs.map((c) => `<tr><td>${serviceLink(c.service)}</td><td>${idCell(c)}</td><td>${resultCell(c, true)}</td></tr>`).join("");
  return `<table><thead><tr><th>Service</th><th>Check</th><th>Finding</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Waivers, one row per exemption: its file:line, the reason (once), and every check it waived. */
export function waiversTable(cs: CheckResult[]): string {
  if (!cs.length) return `<p class="muted">No check was waived.</p>`;
  const byExemption = new Map<string, CheckResult[]>();
  for (const c of cs) {
    const key = `${at(c.waiver?.source)}\0${c.service}\0${c.waiver?.reason ?? ""}`;
    byExemption.set(key, [...(byExemption.get(key) ?? []), c]);
  }
  const rows = [...byExemption.values()]
    .map((group) => {
      const { service, waiver } = group[0];
      const checks = group.map((c) => `<div>${idCell(c)}<div>${esc(findingOf(c))}</div></div>`).join("");
      return `<tr><td><code>${esc(at(waiver?.source) || "—")}</code></td><td>${serviceLink(service)}</td><td>${esc(waiver?.reason ?? "—")}</td><td>${checks}</td><td>${esc(waiver?.expires ?? "—")}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>Exemption</th><th>Service</th><th>Reason</th><th>Checks waived</th><th>Expires</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** One service's checks; rows carry what the filters match on. */
export function serviceSection(service: string | null, cs: CheckResult[]): string {
  const rows = cs.map((c) => `<tr ${rowAttributes(c)}><td>${badge(c.status)}</td><td>${idCell(c)}</td><td>${resultCell(c, false)}</td></tr>`).join("");
  return `<div class="service" id="${serviceAnchor(service)}"><h3>${esc(serviceKey(service))}</h3><table><thead><tr><th>Status</th><th>Check</th><th>Result</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
