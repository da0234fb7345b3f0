import { describe, expect, it } from "vitest";
import { relativePaths } from "./relative-paths.ts";

describe("relativePaths", () => {
  const root = "/home/ci/checkout";
  it("turns paths under the repository root into repository-relative ones, at any depth", () => {
    const v = {
      file: "/home/ci/checkout/infra/compose.yaml",
      command: ["docker", "compose", "--project-directory", "/home/ci/checkout/infra", "-f", "/home/ci/checkout/infra/compose.yaml"],
      output: "open /home/ci/checkout/infra/secrets/x: permission denied\ncwd=/home/ci/checkout",
      nested: [{ note: "see /home/ci/checkout/README.md." }],
    };
    expect(relativePaths(v, root)).toEqual({
      file: "infra/compose.yaml",
      command: ["docker", "compose", "--project-directory", "infra", "-f", "infra/compose.yaml"],
      output: "open infra/secrets/x: permission denied\ncwd=.",
      nested: [{ note: "see README.md." }],
    });
  });
  it("leaves alone paths outside the root, look-alike siblings, and values that are not strings", () => {
    const v = { a: "/etc/passwd", b: "/home/ci/checkout-old/x", c: "/mnt/home/ci/checkout/x", d: 42, e: null, f: true, g: "relative/path" };
    expect(relativePaths(v, root)).toEqual(v);
  });
  it("does not change the value it was given", () => {
    const v = { file: "/home/ci/checkout/a" };
    relativePaths(v, root);
    expect(v.file).toBe("/home/ci/checkout/a");
  });
  it("tolerates a root given with a trailing slash", () => {
    expect(relativePaths("/home/ci/checkout/a", "/home/ci/checkout/")).toBe("a");
  });
});
