// Cross-check: compose `user:` overrides the image USER at run time; when they disagree,
// files the image chowned to USER (COPY --chown, WORKDIR) are not the runtime user's.
import { describeUser, pass, sameUser, skip, verdict, type Rule } from "../model.ts";

export const composeUserMatchesImage: Rule = {
  id: "compose/user-matches-image",
  title: "compose `user:` agrees with the image USER",
  kind: "static",
  severity: "medium",
  refs: ["CIS 4.1"],
  remediation: "Make compose `user:` equal to the Dockerfile's USER (numeric uid:gid), or drop `user:` and let the image USER apply.",
  check(s) {
    if (!s.composeUser) return pass(s.imageUser ? `no compose user:, image USER ${describeUser(s.imageUser)} applies` : "no compose user:");
    if (!s.imageUser) return skip("image USER unknown (no Dockerfile and the image is not available locally)");
    const loc = s.composeUser.location;
    return verdict(
      sameUser(s.composeUser, s.imageUser)
        ? []
        : [{ message: `compose user ${describeUser(s.composeUser)} differs from image USER ${describeUser(s.imageUser)}`, location: loc, evidence: { property: "user", expected: s.imageUser.raw, actual: s.composeUser.raw, location: loc, note: `image USER from ${s.imageUser.location?.file ?? "?"}${s.imageUser.location?.line ? `:${s.imageUser.location.line}` : ""}` } }],
      `compose user ${describeUser(s.composeUser)} = image USER`,
    );
  },
};
