// What a signing step needs to know of a release, shared by `apex release --sign-key` (which
// pushed the images itself) and `apex attest` (handed the references the push returned, as
// `dagger call release` does): the signing key, checked before anything runs, and, for every
// published image, the compose services that run it and its build context.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import type { ResolvedCompose } from "../../sources/compose.ts";
import { repoName, type LocalImage } from "../images.ts";
import type { SigningKey } from "./cosign.ts";
import type { ToSign } from "./sign-release.ts";

export interface PublishedImage {
  name: string;
  /** repository@sha256:... */
  reference: string;
}

/** The key file must exist and COSIGN_PASSWORD be set (empty for an unencrypted key); never from argv. */
export function signingKey(file: string): SigningKey {
  if (!existsSync(file)) throw new UsageError("cosign private key not found", file);
  const password = process.env.COSIGN_PASSWORD;
  if (password === undefined) throw new UsageError("COSIGN_PASSWORD is not set (the key's password; empty for an unencrypted key)", file);
  return { key: resolve(file), password };
}

const PUSHED = /^([^@\s]+?)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@(sha256:[0-9a-f]{64})$/;

/** `registry/path/name[:tag]@sha256:<hex>` (what a push returns) → name and repository@digest.
 *  Only images compose builds can be attested: the name must be one of theirs. */
export function parsePublished(refs: string[], images: LocalImage[]): PublishedImage[] {
  if (!refs.length) throw new UsageError("no image references given: pass each pushed image as REGISTRY/NAME[:TAG]@sha256:<64 hex>");
  const known = new Set(images.map((i) => i.name));
  return refs.map((ref) => {
    // a tag cannot hold "/", so a registry port (host:5000/x) is never taken for one
    const m = PUSHED.exec(ref);
    if (!m) throw new UsageError(`"${ref}" is not REGISTRY/NAME[:TAG]@sha256:<64 hex> (sign what the push returned, never a tag)`);
    const repository = m[1];
    const name = repoName(repository);
    if (!known.has(name)) throw new UsageError(`"${ref}": ${name} is not an image this compose model builds (${[...known].join(", ")})`);
    return { name, reference: `${repository}@${m[2]}` };
  });
}

/** Every published image with the compose services that run it and its build context. */
export function toSign(model: ResolvedCompose, published: PublishedImage[], images: LocalImage[]): ToSign[] {
  return published.map((p) => {
    const i = images.find((x) => x.name === p.name)!;
    const svcs = Object.entries(model.services).filter(([, s]) => s.image === i.image);
    return {
      name: i.name,
      image: i.image,
      reference: p.reference,
      services: svcs.map(([n]) => n).sort(),
      context: svcs.find(([, s]) => s.build)?.[1].build?.context,
    };
  });
}
