// Judges the local image's Config.User ("" is root), whatever Dockerfile there is or is not:
// what the image runs as by default, upstream images included.
import { describeUser, keyLocation, skip, verdict, type Rule } from "../model.ts";

export const imageUserNonRoot: Rule = {
  id: "image/user-non-root",
  title: "Local image's Config.User is not root",
  kind: "static",
  severity: "high",
  refs: ["CIS 4.1", "Trivy DS-0002"],
  remediation: "Rebuild the image from a Dockerfile that ends with a numeric non-root `USER`; for an upstream image, choose one that sets a non-root USER (compose `user:` only overrides it for this stack).",
  check(s) {
    const img = s.image;
    if (!img) return skip(`image ${s.resolved.image ?? ""} not inspected (not built locally, or --no-images)`);
    // with an inspected image, imageUser is its Config.User (load.ts), never the Dockerfile's
    const u = s.imageUser;
    const root = !u || u.uid === 0 || /^(root|0)(:|$)/.test(u.raw);
    const loc = keyLocation(s, "image");
    return verdict(
      root ? [{ message: `image ${img.ref} runs as root (Config.User ${JSON.stringify(img.user)})`, location: loc, evidence: { property: "Config.User", expected: "non-root uid", actual: JSON.stringify(img.user), note: `image ${img.ref} ${img.id.slice(0, 19)}` } }] : [],
      `image ${img.ref} Config.User ${u ? describeUser(u) : JSON.stringify(img.user)}`,
    );
  },
};
