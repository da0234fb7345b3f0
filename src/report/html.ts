// A self-contained HTML page for people. The top answers "did it pass, what failed, what
// was waived and why": status, counts, failures, waivers with their reasons and exemption
// file:line, then phase times and the capability matrix. Below, every check by service,
// with filters (status, kind, service), a text search and links to each service. Inline
// CSS and script only, pinned by a Content-Security-Policy that allows nothing else, so
// the file opens offline from an artifact store and can load nothing from anywhere.
import { createHash } from "node:crypto";
import type { CheckResult, Report } from "../types.ts";
import { badge, failuresTable, serviceLink, serviceSection, waiversTable } from "./html-checks.ts";
import { describeEngine } from "./environment.ts";
import { dotted, esc, serviceKey } from "./html-escape.ts";
import { FILTER_SCRIPT, filterForm } from "./html-filter.ts";
import { CSS } from "./html-style.ts";

const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
const CSP = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(FILTER_SCRIPT)}; img-src 'none'; form-action 'none'; base-uri 'none'`;

/** Services with a failure first, then by name. */
function servicesOf(checks: CheckResult[]): (string | null)[] {
  const failing = new Set(checks.filter((c) => c.status === "fail").map((c) => serviceKey(c.service)));
  const byKey = new Map(checks.map((c) => [serviceKey(c.service), c.service]));
  return [...byKey.keys()]
    .sort((a, b) => Number(!failing.has(a)) - Number(!failing.has(b)) || a.localeCompare(b))
    .map((k) => byKey.get(k)!);
}

function phasesTable(r: Report): string {
  if (!r.phases.length) return `<p class="muted">No phase timings in this report.</p>`;
  const rows = r.phases.map((p) => `<tr><td>${esc(p.name)}</td><td>${badge(p.status)}</td><td>${(p.durationMs / 1000).toFixed(1)} s</td><td>${esc(p.note ?? "")}</td></tr>`).join("");
  return `<table><thead><tr><th>Phase</th><th>Status</th><th>Duration</th><th>Note</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function matrixTable(r: Report): string {
  if (!r.matrix?.length) return `<p class="muted">No matrix in this report.</p>`;
  const rows = r.matrix
    .map((m) => `<tr><td><code>${esc(m.service)}</code></td><td><code>${esc(m.capabilities)}</code></td><td>${esc(m.rationale)}</td><td>${m.verifiedBy.map((id) => `<code>${esc(id)}</code>`).join(", ") || "—"}</td></tr>`)
    .join("");
  return `<table><thead><tr><th>Service</th><th>Capabilities granted</th><th>Rationale</th><th>Verified by</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderHtml(r: Report): string {
  const s = r.summary;
  const failures = r.checks.filter((c) => c.status === "fail");
  const waivers = r.checks.filter((c) => c.status === "waived");
  const services = servicesOf(r.checks);
  const versions = Object.entries(r.toolVersions ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
  const commit = r.git?.commit ? `commit ${r.git.commit.slice(0, 12)}${r.git.dirty ? " (dirty)" : ""}` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>apex ${esc(r.command)}: ${esc(r.status)}</title><style>${CSS}</style></head>
<body>
<header><h1>apex ${esc(r.command)} ${badge(r.status)}</h1>
<div class="muted">${esc(dotted([r.project && `project ${r.project}`, commit, r.environment && describeEngine(r.environment.engine), r.startedAt, versions]))}</div>
<nav aria-label="services">Services: ${services.map(serviceLink).join(" ")}</nav></header>
<main>
<section id="summary"><h2>Summary</h2><div class="cards">
<div class="card">passed<b>${s.pass}</b></div><div class="card">failed<b>${s.fail}</b></div>
<div class="card">waived<b>${s.waived}</b></div><div class="card">skipped<b>${s.skip}</b></div></div></section>
<section id="failures"><h2>Failures (${failures.length})</h2>${failuresTable(failures)}</section>
<section id="waivers"><h2>Waivers (${waivers.length})</h2>${waiversTable(waivers)}</section>
<section id="phases"><h2>Phase times</h2>${phasesTable(r)}</section>
<section id="matrix"><h2>Capability matrix</h2>${matrixTable(r)}</section>
<section id="services"><h2>All checks by service</h2>
${filterForm(r.checks, services.map(serviceKey))}
${services.map((svc) => serviceSection(svc, r.checks.filter((c) => c.service === svc))).join("\n")}
</section></main>
<script>${FILTER_SCRIPT}</script>
</body></html>
`;
}
