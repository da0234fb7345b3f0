import { describe, expect, it } from "vitest";
import { hostAllowed, hostName, parseAllowedHosts } from "./hosts.ts";

describe("hosts", () => {
  it.each([
    ["api:8080", "api"],
    ["LOCALHOST", "localhost"],
    ["[::1]:8080", "::1"],
    ["127.0.0.1", "127.0.0.1"],
    ["", null],
    [undefined, null],
    ["[", null],
  ])("hostName(%j) = %j", (header, name) => {
    expect(hostName(header)).toBe(name);
  });

  const allowed = parseAllowedHosts("localhost, 127.0.0.1,::1,api");

  it("reads a comma-separated list, bare IPv6 included", () => {
    expect([...allowed]).toEqual(["localhost", "127.0.0.1", "::1", "api"]);
  });

  it.each(["localhost:8080", "api", "[::1]:1"])("allows %s", (h) => expect(hostAllowed(h, allowed)).toBe(true));
  it.each(["evil.example", "api.evil.example", "localhost.evil.example:8080", "127.0.0.2", undefined])("refuses %s", (h) =>
    expect(hostAllowed(h, allowed)).toBe(false),
  );
});
