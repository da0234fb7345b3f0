// Reads one file out of an image without running it: `docker create` makes a container
// (nothing starts, the entrypoint never runs), `docker cp` copies the file out, the
// container is removed. A file the image lacks reads as undefined.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker, mustSucceed } from "../../docker.ts";

export async function readImageFile(image: string, path: string): Promise<string | undefined> {
  // The command is never run; it is only there for images without a CMD (FROM scratch).
  const ctr = mustSucceed(await docker(["create", "--label", "io.apex.transient=read-file", "--entrypoint", "/nonexistent", image]), `docker create ${image}`).stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), "apex-imgfile-"));
  try {
    const cp = await docker(["cp", `${ctr}:${path}`, join(dir, "file")]);
    if (cp.exitCode !== 0) {
      if (/no such file|could not find the file/i.test(cp.stderr)) return undefined;
      throw new Error(`docker cp ${path} from ${image} failed: ${cp.stderr.trim().split("\n")[0]}`);
    }
    return readFileSync(join(dir, "file"), "utf8");
  } finally {
    await docker(["rm", "-f", ctr]);
    rmSync(dir, { recursive: true, force: true });
  }
}
