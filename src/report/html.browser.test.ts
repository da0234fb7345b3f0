// The HTML report opened the way a person opens it: in a real headless Chromium (Debian's
// chromium package, installed by scripts/test.sh). The screenshot is kept as a test
// artifact: test-artifacts/report-html.png (git-ignored).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../types.ts";
import { renderHtml } from "./html.ts";
import { sampleReport } from "./testdata/sample-report.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../test-artifacts/report-html.png");
let browser: Browser;

// The sample, with the waiver's message as applyExemptions writes it (reason appended), a
// second check waived by the same exemption, and a check whose evidence tries to load
// things from outside.
const waived = sampleReport.checks.find((c) => c.waiver)!;
const report: Report = {
  ...sampleReport,
  summary: { ...sampleReport.summary, pass: 3, waived: 2 },
  checks: [
    ...sampleReport.checks.map((c) => (c.waiver ? { ...c, message: `${c.message} — waived: ${c.waiver.reason}` } : c)),
    { ...waived, id: "compose/restart-policy", title: "Restart policy", refs: ["CIS 5.15"], message: `restart is no — waived: ${waived.waiver!.reason}` },
    {
      id: "runtime/tmpfs-owner", kind: "runtime", service: "valkey", status: "pass", title: "tmpfs owned by the service user", severity: "medium", refs: [],
      message: "tmpfs /tmp owned by 999", evidence: [{ output: `<img src="https://example.com/x.png"><script src="http://example.com/x.js"></script><link rel="stylesheet" href="//example.com/x.css">` }],
    },
  ],
};

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
afterAll(async () => browser?.close());

/** Opens the report; every request that is not the file itself is recorded and refused. */
async function open(r: Report): Promise<{ page: Page; external: string[]; errors: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), "apex-html-")), "report.html");
  writeFileSync(file, renderHtml(r));
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const external: string[] = [];
  const errors: string[] = []; // script errors and Content-Security-Policy refusals
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.route("**/*", (route) => (route.request().url() === `file://${file}` ? route.continue() : (external.push(route.request().url()), route.abort())));
  await page.goto(`file://${file}`);
  return { page, external, errors };
}
const visibleRows = (page: Page) => page.locator("#services tr[data-status]:visible");

describe("HTML report in headless Chromium", () => {
  it("shows the summary, the capability matrix and failures first", async () => {
    const { page } = await open(sampleReport);
    expect(await page.title()).toBe("apex verify: fail");
    await expect(page.locator("#summary").isVisible()).resolves.toBe(true);
    expect(await page.locator("#summary .card").allInnerTexts()).toEqual(["passed\n2", "failed\n2", "waived\n1", "skipped\n1"]);

    const matrix = page.locator("#matrix table");
    await expect(matrix.isVisible()).resolves.toBe(true);
    const rows = await matrix.locator("tbody tr").allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain("cap_add: [CHOWN]");
    expect(rows[1]).toContain("Chowns the volumes once & exits <fast>."); // escaped, shown verbatim

    const failures = await page.locator("#failures tbody tr").allInnerTexts();
    expect(failures).toHaveLength(2);
    const firstService = await page.locator("#services h3").first().innerText();
    expect(["api", "worker"]).toContain(firstService);
    await page.close();
  });

  it("leads with status, counts, failures, then waivers, phases and the matrix, in that order", async () => {
    const { page } = await open(report);
    const ids = await page.locator("body > main > section").evaluateAll((els) => els.map((e) => e.id));
    expect(ids).toEqual(["summary", "failures", "waivers", "phases", "matrix", "services"]);
    const top = await page.locator("#waivers").evaluate((e) => e.getBoundingClientRect().top);
    expect(top).toBeLessThan(900 * 2); // within the first two screens, not 24 down
    await page.close();
  });

  it("shows each exemption once: its file:line, its reason once, and the checks it waived", async () => {
    const { page } = await open(report);
    const waiver = page.locator("#waivers tbody tr");
    expect(await waiver.count()).toBe(1);
    const text = await waiver.innerText();
    expect(text).toContain("infra/exemptions.yaml:3");
    expect(text.split("Runs as root once to chown volumes")).toHaveLength(2);
    expect(await waiver.locator("code.id").allInnerTexts()).toEqual(["compose/anchor-merged", "compose/restart-policy"]);
    expect(text).toContain("volume_prep does not merge x-security-defaults");
    expect(text).toContain("restart is no");
    for (const row of await page.locator('#services tr[data-status="waived"]').allInnerTexts()) {
      expect(row.split("Runs as root once to chown volumes")).toHaveLength(2);
      expect(row).toContain("infra/exemptions.yaml:3");
    }
    await page.close();
  });

  it("never leaves a dangling '·' where a check has no references", async () => {
    const { page } = await open(report);
    const metas = await page.locator("#services .meta").allInnerTexts();
    expect(metas).toContain("workflow");
    expect(metas).toContain("runtime · CIS 5.4");
    for (const m of metas) expect(m.trim()).not.toMatch(/(^·|·$)/);
    await page.close();
  });

  it("makes no external request, and has no external URL in src, href, fetch or @import", async () => {
    const { page, external, errors } = await open(report);
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    // the inline stylesheet and script are the ones the policy allows: both took effect
    expect(await page.locator("header .badge.fail").evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(207, 34, 46)");
    await expect(page.locator("#shown").innerText()).resolves.toBe("8 of 8 checks shown");
    const urls = await page.locator("[src], [href], [action], [srcset], [poster]").evaluateAll((els) =>
      els.flatMap((e) => ["src", "href", "action", "srcset", "poster"].map((a) => e.getAttribute(a)).filter((v): v is string => v !== null)),
    );
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^#[\w-]+$/); // in-page links only
    const inline = (await page.locator("script, style").allTextContents()).join("\n");
    expect(inline).not.toMatch(/@import|url\(|fetch\(|XMLHttpRequest|https?:\/\//);
    // the evidence's markup is text, shown verbatim
    expect(await page.locator('#services tr[data-service="valkey"] pre').textContent()).toContain('<img src="https://example.com/x.png">');
    await page.close();
  });

  it("filters by status, kind and service, searches, follows a service link, and saves a screenshot", async () => {
    const { page } = await open(report);
    const all = await visibleRows(page).count();
    expect(all).toBe(8);
    await expect(page.locator("#shown").innerText()).resolves.toBe("8 of 8 checks shown");

    // status: untick "pass" -> failures, waivers and skips stay, postgres (all passing) disappears
    await page.getByLabel("pass", { exact: false }).uncheck();
    expect(await visibleRows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute("data-status")).sort())).toEqual(["fail", "fail", "skip", "waived", "waived"]);
    expect(await page.locator("#svc-postgres").isVisible()).toBe(false);
    expect(await page.locator("#svc-api").isVisible()).toBe(true);
    expect(await page.locator("#failures tbody tr:visible").count()).toBe(2); // the top of the page is never filtered

    // kind: runtime only -> the worker's failure
    await page.selectOption("#filter-kind", "runtime");
    expect(await visibleRows(page).evaluateAll((rs) => rs.map((r) => `${r.getAttribute("data-service")} ${r.getAttribute("data-kind")}`))).toEqual(["worker runtime"]);

    // service: postgres, with pass ticked again and any kind
    await page.getByLabel("pass", { exact: false }).check();
    await page.selectOption("#filter-kind", "");
    await page.selectOption("#filter-service", "postgres");
    expect(await visibleRows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute("data-service")))).toEqual(["postgres", "postgres"]);

    // search: matches text of the row (message, evidence), case-insensitive; no match says so
    await page.selectOption("#filter-service", "");
    await page.fill("#filter-text", "CHECKSUMS");
    expect(await visibleRows(page).locator("code.id").allInnerTexts()).toEqual(["workflow/backup-roundtrip"]);
    await page.fill("#filter-text", "00000000a80425fb");
    expect(await visibleRows(page).locator("code.id").allInnerTexts()).toEqual(["runtime/cap-eff-zero"]);
    await page.fill("#filter-text", "no such text anywhere");
    expect(await visibleRows(page).count()).toBe(0);
    await expect(page.locator("#none").isVisible()).resolves.toBe(true);
    await page.fill("#filter-text", "");
    expect(await visibleRows(page).count()).toBe(8);
    await expect(page.locator("#none").isVisible()).resolves.toBe(false);

    // service link: the nav jumps to the section, even one the filters had hidden
    await page.selectOption("#filter-service", "api");
    await page.locator('nav a[href="#svc-volume_prep"]').click();
    expect(new URL(page.url()).hash).toBe("#svc-volume_prep");
    await expect(page.locator("#svc-volume_prep").isVisible()).resolves.toBe(true);
    const inView = await page.locator("#svc-volume_prep h3").evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight;
    });
    expect(inView).toBe(true);

    await page.locator("#filter-text").fill("tmpfs");
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });
});
