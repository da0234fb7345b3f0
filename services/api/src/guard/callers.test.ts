import { describe, expect, it } from "vitest";
import { ConfigError } from "../shared/env.ts";
import { callerLookup, parseCallers } from "./callers.ts";

const A = "A".repeat(32);
const B = "b".repeat(48);

describe("parseCallers", () => {
  it("reads <caller> <token> lines, skipping comments and blank lines", () => {
    expect(parseCallers(`# who\n\nverify ${A}\n  operator   ${B}  \n`, "f")).toEqual([
      { name: "verify", token: A },
      { name: "operator", token: B },
    ]);
  });

  it.each([
    [`verify`, 'f:1: expected "<caller> <token>"'],
    [`verify ${A} extra`, 'f:1: expected "<caller> <token>"'],
    [`Verify ${A}`, 'f:1: caller name "Verify" must match'],
    [`verify short`, 'f:1: the token of "verify" must be 32 to 512 URL-safe characters'],
    [`verify ${A}\nverify ${B}`, 'f:2: caller "verify" is listed twice'],
    [`verify ${A}\nother ${A}`, `f:2: caller "other" reuses another caller's token`],
    [`# none`, "f: no caller is listed"],
  ])("refuses %j: %s", (text, message) => {
    const call = () => parseCallers(text, "f");
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
  });

  it("never echoes a token in its errors", () => {
    expect(() => parseCallers(`verify ${A}\nother ${A}`, "f")).not.toThrow(A);
    expect(() => parseCallers(`verify ${"x".repeat(20)}`, "f")).not.toThrow("x".repeat(20));
  });
});

describe("callerLookup", () => {
  const lookup = callerLookup([
    { name: "verify", token: A },
    { name: "operator", token: B },
  ]);

  it("names the caller whose token was presented", () => {
    expect(lookup(A)).toBe("verify");
    expect(lookup(B)).toBe("operator");
  });

  it.each(["", A.slice(1), `${A}x`, A.toLowerCase(), B.toUpperCase()])("knows nobody by %j", (t) => {
    expect(lookup(t)).toBeNull();
  });
});
