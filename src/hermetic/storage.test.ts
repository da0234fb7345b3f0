// The hermetic engine's storage: the caller's choice, else what the machine's memory allows.
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.ts";
import { engineStorage, TMPFS_MIN_MEMORY } from "./storage.ts";

const GiB = 2 ** 30;

describe("hermetic engine storage", () => {
  it("defaults to a tmpfs capped at half of memory where there are 8 GiB, to the volume below", () => {
    expect(engineStorage(undefined, 16 * GiB)).toEqual({ kind: "tmpfs", sizeMiB: 8192 });
    expect(engineStorage(undefined, TMPFS_MIN_MEMORY)).toEqual({ kind: "tmpfs", sizeMiB: 4096 });
    expect(engineStorage(undefined, TMPFS_MIN_MEMORY - 1)).toEqual({ kind: "volume" });
  });

  it("the caller's choice wins either way", () => {
    expect(engineStorage("volume", 64 * GiB)).toEqual({ kind: "volume" });
    expect(engineStorage("tmpfs", 4 * GiB)).toEqual({ kind: "tmpfs", sizeMiB: 2048 });
  });

  it("anything else is a usage error that names the choices", () => {
    expect(() => engineStorage("ramdisk")).toThrow(UsageError);
    expect(() => engineStorage("ramdisk")).toThrow(/^--engine-storage ramdisk: give tmpfs or volume$/);
  });
});
