// Filters over the per-service checks: status, kind, service and a text search, plus
// service links that always land (clearing filters that hide their section). Plain inline
// script so the page stays one offline file; without scripts every check simply shows.
import type { CheckResult } from "../types.ts";
import { esc, serviceKey } from "./html-escape.ts";

const STATUSES = ["fail", "waived", "skip", "pass"] as const;

export function filterForm(checks: CheckResult[], services: string[]): string {
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  const kinds = [...new Set(checks.map((c) => c.kind))].sort();
  const statusBoxes = STATUSES.map((s) => `<label><input type="checkbox" name="status" value="${s}" checked> ${s} (${count(s)})</label>`).join("");
  const options = (all: string, values: string[]) => `<option value="">${all}</option>${values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("")}`;
  return `<form id="filters" role="search"><fieldset><legend class="muted">status</legend>${statusBoxes}</fieldset>
<label>kind <select id="filter-kind" name="kind">${options("all kinds", kinds)}</select></label>
<label>service <select id="filter-service" name="service">${options("all services", services)}</select></label>
<label>search <input id="filter-text" name="q" type="search" placeholder="id, message, evidence…"></label>
<output id="shown" class="muted">${checks.length} of ${checks.length} checks shown</output></form>
<p id="none" class="muted" hidden>No check matches these filters.</p>`;
}

export const rowAttributes = (c: CheckResult) => `data-status="${esc(c.status)}" data-kind="${esc(c.kind)}" data-service="${esc(serviceKey(c.service))}"`;

export const FILTER_SCRIPT = `(() => {
  const form = document.getElementById("filters");
  const rows = [...document.querySelectorAll("#services tr[data-status]")];
  const sections = [...document.querySelectorAll("#services .service")];
  function apply() {
    const statuses = new Set([...form.querySelectorAll("input[name=status]:checked")].map((i) => i.value));
    const kind = form.elements.kind.value, service = form.elements.service.value;
    const q = form.elements.q.value.trim().toLowerCase();
    let n = 0;
    for (const r of rows) {
      const d = r.dataset;
      const ok = statuses.has(d.status) && (!kind || d.kind === kind) && (!service || d.service === service) && (!q || r.textContent.toLowerCase().includes(q));
      r.hidden = !ok;
      if (ok) n++;
    }
    for (const s of sections) s.hidden = !s.querySelector("tr[data-status]:not([hidden])");
    document.getElementById("shown").textContent = n + " of " + rows.length + " checks shown";
    document.getElementById("none").hidden = n > 0;
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  for (const a of document.querySelectorAll("a[data-service-link]"))
    a.addEventListener("click", () => {
      const target = document.getElementById(a.getAttribute("href").slice(1));
      if (target && target.hidden) { form.reset(); apply(); }
    });
  apply();
})();`;
