// Local image config (Config.User, WorkingDir) through one `docker image inspect` call.
// Optional by design: `apex policy` needs no Docker daemon, so a missing image or an
// unreachable daemon simply leaves the Dockerfile as the only source of USER.
import { docker } from "../docker.ts";
import type { ImageConfig } from "../model.ts";

interface Inspect {
  Id: string;
  RepoTags?: string[];
  Config?: { User?: string; WorkingDir?: string };
}

export async function inspectImages(refs: string[]): Promise<Map<string, ImageConfig>> {
  const found = new Map<string, ImageConfig>();
  const unique = [...new Set(refs)];
  if (!unique.length) return found;
  let r;
  try {
    r = await docker(["image", "inspect", "--format", "{{json .}}", ...unique], { timeoutMs: 5000 });
  } catch {
    return found; // no docker CLI at all
  }
  // Exit 1 when some image is missing; the found ones are still printed, one per line,
  // in argument order (missing ones print nothing), so match them by tag.
  for (const line of r.stdout.split("\n")) {
    if (!line.trim()) continue;
    const img = JSON.parse(line) as Inspect;
    for (const ref of unique) {
      const tagged = /:[^/]+$/.test(ref) ? ref : `${ref}:latest`;
      if (img.RepoTags?.includes(tagged) || img.Id === ref)
        found.set(ref, { ref, id: img.Id, user: img.Config?.User ?? "", workingDir: img.Config?.WorkingDir ?? "" });
    }
  }
  return found;
}
