// The USER's account is created by the Dockerfile itself with fixed ids, so uid/gid are
// the same on every build (a package's postinst would pick whatever id is free).
import { dfLocation, pass, withDockerfile, verdict, type Rule } from "../model.ts";

export const dockerfileUserCreated: Rule = {
  id: "dockerfile/user-created",
  title: "USER's account created explicitly with fixed ids",
  kind: "static",
  severity: "medium",
  refs: ["hadolint DL3046", "CIS 4.1"],
  remediation: "Create the account before USER with fixed ids: `RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 app` (the seed's Fix 2).",
  check(s) {
    return withDockerfile(s, (df) => {
      const u = df.user;
      if (!u || u.uid === 0) return pass("no non-root USER to create (see dockerfile/user-non-root)");
      const [uName = "", gName] = u.raw.split(":");
      const user = df.accounts.find((a) => a.kind === "user" && a.id !== undefined && (a.id === u.uid || a.name === uName));
      const gid = u.gid ?? user?.gid;
      const group = gName === undefined && user?.gid !== undefined ? user : df.accounts.find((a) => a.kind === "group" && a.id !== undefined && (a.id === gid || a.name === gName));
      const missing: string[] = [];
      if (!user) missing.push(`no useradd -u ${u.uid ?? uName}`);
      if (!group && gid !== undefined && gid !== 0) missing.push(`no groupadd -g ${gid}`);
      return verdict(
        missing.length ? [{ message: `USER ${u.raw}: ${missing.join(", ")}`, location: u.location, evidence: { property: "accounts", expected: `useradd/groupadd with fixed ids for ${u.raw}`, actual: JSON.stringify(df.accounts.map((a) => `${a.kind} ${a.name} ${a.id ?? "?"}`)), location: u.location } }] : [],
        `account created at ${dfLocation(df, user?.line).file}:${user?.line}`,
      );
    });
  },
};
