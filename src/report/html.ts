// A self-contained HTML page for people: summary, capability matrix, failures first, then
// per-service evidence. No scripts, no external assets: it opens from an artifact store.
import type { CheckResult, Report } from "../types.ts";
import { evidenceText } from "./evidence.ts";

// Five characters are all HTML needs escaped in text and quoted attributes.
const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2329;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem} h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:.8rem;font-weight:600;font-size:.8rem;color:#fff}
.pass{background:#1a7f37}.fail{background:#cf222e}.skip{background:#6e7781}.waived{background:#9a6700}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font-size:.85rem}pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap;margin:.3rem 0}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.5rem}.muted{color:#57606a}details summary{cursor:pointer}`;

const badge = (status: string) => `<span class="badge ${esc(status)}">${esc(status)}</span>`;

function checkRow(c: CheckResult): string {
  const ev = c.evidence.length ? `<details${c.status === "fail" ? " open" : ""}><summary>evidence</summary><pre>${esc(evidenceText(c.evidence))}</pre></details>` : "";
  const fix = c.status === "fail" && c.remediation ? `<div><b>Fix:</b> ${esc(c.remediation)}</div>` : "";
  const waiver = c.waiver ? `<div class="muted">waived: ${esc(c.waiver.reason)}${c.waiver.expires ? ` (until ${esc(c.waiver.expires)})` : ""}</div>` : "";
  return `<tr><td>${badge(c.status)}</td><td><code>${esc(c.id)}</code><div class="muted">${esc(c.kind)} · ${esc(c.refs.join(", "))}</div></td><td>${esc(c.title)}<div>${esc(c.message)}</div>${waiver}${fix}${ev}</td></tr>`;
}

const checkTable = (cs: CheckResult[]) =>
  `<table><thead><tr><th>Status</th><th>Check</th><th>Result</th></tr></thead><tbody>${cs.map(checkRow).join("")}</tbody></table>`;

export function renderHtml(r: Report): string {
  const s = r.summary;
  const failures = r.checks.filter((c) => c.status === "fail");
  const services = [...new Set(r.checks.map((c) => c.service ?? "(stack)"))].sort((a, b) => {
    const fa = failures.some((c) => (c.service ?? "(stack)") === a) ? 0 : 1;
    const fb = failures.some((c) => (c.service ?? "(stack)") === b) ? 0 : 1;
    return fa - fb || a.localeCompare(b);
  });
  const matrix = (r.matrix ?? [])
    .map((m) => `<tr><td><code>${esc(m.service)}</code></td><td><code>${esc(m.capabilities)}</code></td><td>${esc(m.rationale)}</td><td>${m.verifiedBy.map((id) => `<code>${esc(id)}</code>`).join(", ") || "—"}</td></tr>`)
    .join("");
  const phases = r.phases
    .map((p) => `<tr><td>${esc(p.name)}</td><td>${badge(p.status)}</td><td>${(p.durationMs / 1000).toFixed(1)} s</td><td>${esc(p.note ?? "")}</td></tr>`)
    .join("");
  const versions = Object.entries(r.toolVersions ?? {}).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(" · ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>apex ${esc(r.command)}: ${esc(r.status)}</title><style>${CSS}</style></head>
<body>
<header><h1>apex ${esc(r.command)} ${badge(r.status)}</h1>
<div class="muted">project ${esc(r.project ?? "—")} · commit ${esc(r.git?.commit?.slice(0, 12) ?? "—")}${r.git?.dirty ? " (dirty)" : ""} · ${esc(r.startedAt)} · ${versions}</div></header>
<section id="summary"><h2>Summary</h2><div class="cards">
<div class="card">passed<b>${s.pass}</b></div><div class="card">failed<b>${s.fail}</b></div>
<div class="card">waived<b>${s.waived}</b></div><div class="card">skipped<b>${s.skip}</b></div></div>
${phases ? `<table><thead><tr><th>Phase</th><th>Status</th><th>Duration</th><th>Note</th></tr></thead><tbody>${phases}</tbody></table>` : ""}</section>
<section id="matrix"><h2>Capability matrix</h2>
${matrix ? `<table><thead><tr><th>Service</th><th>Capabilities granted</th><th>Rationale</th><th>Verified by</th></tr></thead><tbody>${matrix}</tbody></table>` : `<p class="muted">No matrix in this report.</p>`}</section>
<section id="failures"><h2>Failures (${failures.length})</h2>${failures.length ? checkTable(failures) : `<p>No check failed.</p>`}</section>
<section id="services"><h2>By service</h2>
${services.map((svc) => `<h3 id="svc-${esc(svc)}">${esc(svc)}</h3>${checkTable(r.checks.filter((c) => (c.service ?? "(stack)") === svc))}`).join("\n")}
</section></body></html>
`;
}
