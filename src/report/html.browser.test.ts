// The HTML report opened the way a person opens it: in a real headless Chromium (Debian's
// chromium package, installed by scripts/test.sh).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "./html.ts";
import { sampleReport } from "./testdata/sample-report.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
afterAll(async () => browser?.close());

describe("HTML report in headless Chromium", () => {
  it("shows the summary, the capability matrix and failures first", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "apex-html-")), "report.html");
    writeFileSync(file, renderHtml(sampleReport));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);

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
    expect(requests.every((u) => u.startsWith("file://"))).toBe(true); // self-contained
    await page.close();
  });
});
