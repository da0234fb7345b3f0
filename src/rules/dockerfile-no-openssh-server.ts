// No SSH server installed in the image (CIS 5.7: do not run sshd within containers;
// `docker exec` is the way in). Installing the client (openssh-client) is fine.
import { withDockerfile, verdict, type Rule } from "../model.ts";
import { isInstall, pkgCommand, type PkgCommand } from "./dockerfile-packages.ts";

/** The SSH server packages this command installs (a version pin `=x` or `-x.y` is dropped). */
export function sshServerPackages(c: PkgCommand | undefined): string[] {
  if (!c || !isInstall(c)) return [];
  const name = (p: string) => p.replace(/^["']|["']$/g, "").split(/[=<>~]/)[0]!;
  // apk's `openssh` pulls in the server; elsewhere `openssh` is the common part only
  const server = (n: string) => n === "openssh-server" || n.startsWith("openssh-server-") || n === "dropbear" || (c.tool === "apk" && n === "openssh");
  return c.packages.map(name).filter(server);
}

export const dockerfileNoOpensshServer: Rule = {
  id: "dockerfile/no-openssh-server",
  title: "No SSH server installed in the image",
  kind: "static",
  severity: "high",
  refs: ["CIS 5.7"],
  remediation: "Do not install openssh-server (or dropbear): reach the container with `docker exec`, and keep sshd on the host.",
  check(s) {
    return withDockerfile(s, (df) => {
      const findings = df.instructions
        .filter((i) => i.keyword === "RUN")
        .flatMap((i) => (i.commands ?? []).flatMap((c) => sshServerPackages(pkgCommand(c)).map((p) => ({ i, p }))))
        .map(({ i, p }) => ({ message: `RUN installs ${p}, an SSH server`, location: { file: df.file, line: i.line }, evidence: { property: "RUN", expected: "no SSH server package", actual: i.text.slice(0, 200), location: { file: df.file, line: i.line } } }));
      return verdict(findings, "no SSH server package installed");
    });
  },
};
