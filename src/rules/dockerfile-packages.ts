// Package-manager commands of a RUN, as dockerfile/no-openssh-server and
// dockerfile/apt-update-with-install read them: the program and its subcommand, with
// leading `VAR=x`, `env`, `sudo` and `nice`-style wrappers skipped. Pure.
const WRAPPERS = new Set(["env", "sudo", "nohup", "nice", "time", "command", "exec"]);

export interface PkgCommand {
  /** apt-get, apt, apk, yum, dnf, microdnf, zypper */
  tool: string;
  /** install, add, update, ... (the first word after the tool's own options) */
  sub: string;
  /** the words after the subcommand that are not options */
  packages: string[];
}

const TOOLS = new Set(["apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper"]);

export function pkgCommand(words: string[]): PkgCommand | undefined {
  let i = 0;
  while (i < words.length && (WRAPPERS.has(words[i]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || (i > 0 && words[i]!.startsWith("-") && !TOOLS.has(words[i - 1]!.split("/").pop()!)))) i++;
  const tool = (words[i] ?? "").split("/").pop()!;
  if (!TOOLS.has(tool)) return undefined;
  const rest = words.slice(i + 1);
  const subAt = rest.findIndex((w) => !w.startsWith("-"));
  if (subAt < 0) return undefined;
  // `apt-get -o Dpkg::Options::=x install`: an option's value is not the subcommand
  const sub = rest[subAt]!;
  return { tool, sub, packages: rest.slice(subAt + 1).filter((w) => !w.startsWith("-")) };
}

export const isInstall = (c: PkgCommand) => (c.tool === "apk" ? c.sub === "add" : c.sub === "install");
