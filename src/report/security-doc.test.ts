// The repository's security document must carry the matrix the stack actually has.
import { readFileSync } from "node:fs";
import { CHECKS_DOC, checksMarkdown } from "./checks-doc.ts";
import { describe, expect, it } from "vitest";
import { documentedMatrix, generateMatrixTable } from "./security-doc.ts";

describe("docs/security.md", () => {
  it("carries the capability matrix generated from infra/compose.yaml and the exemptions", async () => {
    const generated = await generateMatrixTable({ files: ["infra/compose.yaml"], profiles: ["*"] }, "infra/exemptions.yaml");
    expect(generated).toContain("`volume_prep`");
    expect(documentedMatrix(), "run `npm run docs:matrix` and commit docs/security.md").toBe(generated);
  });

  it("disagrees when the stack changes: a granted capability shows up in the matrix", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const override = join(mkdtempSync(join(tmpdir(), "apex-doc-")), "more-caps.yaml");
    writeFileSync(override, "services:\n  valkey:\n    cap_add: [NET_BIND_SERVICE]\n");
    const changed = await generateMatrixTable({ files: ["infra/compose.yaml", override], profiles: ["*"] }, "infra/exemptions.yaml");
    expect(changed).not.toBe(documentedMatrix());
    expect(changed).toMatch(/`valkey` \| `cap_drop: \[ALL\], cap_add: \[NET_BIND_SERVICE\]`/);
  });
});

describe("docs/checks.md", () => {
  it("is the catalogue's, regenerated (npm run docs:checks)", () => {
    expect(readFileSync(CHECKS_DOC, "utf8"), "run `npm run docs:checks` and commit docs/checks.md").toBe(checksMarkdown());
  });
});
