// Dockerfiles are read with `dockerfile-ast` (rcjsuen/dockerfile-ast on npm), never with
// regexes: it is maintained, it is the parser behind the VS Code Docker language server
// (dockerfile-language-service), it handles continuations, escape directives, flags and
// heredocs, and every instruction carries its source range, so findings get exact lines.
// RUN commands are then split into simple commands to find account creation and chown.
import { readFileSync } from "node:fs";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import type { AccountDecl, DfInstruction, DockerfileModel, OwnershipDecl, UserRef } from "../model.ts";

interface Stage {
  name?: string;
  from: string;
  instructions: DfInstruction[];
}

function toInstruction(i: Instruction): DfInstruction {
  const flags: Record<string, string | null> = {};
  const withFlags = i as Instruction & { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> };
  for (const f of withFlags.getFlags?.() ?? []) flags[f.getName().toLowerCase()] = f.getValue();
  return {
    keyword: i.getKeyword().toUpperCase(),
    line: i.getRange().start.line + 1,
    args: i.getArguments().map((a) => a.getValue()),
    flags,
    text: (i.getRawArgumentsContent() ?? "").replace(/\\\r?\n\s*/g, " "),
  };
}

/** Split a stage list so the final image's chain includes the stages it builds FROM. */
function stageChain(stages: Stage[], target?: string): DfInstruction[] {
  let idx = target ? stages.findIndex((s) => s.name === target) : stages.length - 1;
  if (idx < 0) idx = stages.length - 1;
  const chain: DfInstruction[][] = [];
  const seen = new Set<number>();
  while (idx >= 0 && !seen.has(idx)) {
    seen.add(idx);
    const st = stages[idx]!;
    chain.unshift(st.instructions);
    idx = stages.findIndex((s, j) => j < idx && s.name !== undefined && s.name === st.from.toLowerCase());
  }
  return chain.flat();
}

/** Simple commands of a RUN: split on &&, ||, ;, | (tokens as the parser split them). */
export function simpleCommands(args: string[]): string[][] {
  const out: string[][] = [[]];
  for (const raw of args) {
    const tok = raw.replace(/^["']|["']$/g, "");
    if (["&&", "||", ";", "|", "&"].includes(tok)) {
      out.push([]);
      continue;
    }
    const endsSemi = tok.endsWith(";") && tok.length > 1;
    out[out.length - 1]!.push(endsSemi ? tok.slice(0, -1) : tok);
    if (endsSemi) out.push([]);
  }
  // Leading `sudo`/`env`/`exec` do not change which command runs.
  return out.filter((c) => c.length).map((c) => (["exec", "command"].includes(c[0]!) ? c.slice(1) : c));
}

// Options of useradd/groupadd/adduser that take a value (so the value is not a name).
const ACCOUNT_VALUE_OPTS = new Set(["-u", "--uid", "-g", "--gid", "-G", "--groups", "-d", "--home-dir", "--home", "-s", "--shell", "-c", "--comment", "--gecos", "-k", "--skel", "-K", "--key", "-e", "--expiredate", "-f", "--inactive", "-p", "--password", "-b", "--base-dir", "-R", "--root", "-Z", "--selinux-user", "--ingroup", "--firstuid", "--lastuid"]);

const CHOWN_VALUE_OPTS = new Set(["--reference"]);

/** `--uid=1000` and `--uid 1000` alike: returns option → value and the positional args. */
function options(cmd: string[], valueOpts: Set<string>): { opts: Map<string, string | true>; positional: string[] } {
  const opts = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 1; i < cmd.length; i++) {
    const t = cmd[i]!;
    if (t.startsWith("--") && t.includes("=")) {
      const [k, v] = [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)];
      opts.set(k, v);
    } else if (valueOpts.has(t) && i + 1 < cmd.length) opts.set(t, cmd[++i]!);
    else if (/^-[a-zA-Z]{2,}$/.test(t)) for (const c of t.slice(1)) opts.set(`-${c}`, true);
    else if (t.startsWith("-")) opts.set(t, true);
    else positional.push(t);
  }
  return { opts, positional };
}

const num = (v: string | true | undefined): number | undefined =>
  typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;

function readRun(ins: DfInstruction, accounts: AccountDecl[], ownership: OwnershipDecl[]): void {
  for (const full of ins.commands ?? []) {
    // `sudo chown …` still chowns (dockerfile/no-sudo reports the sudo itself).
    const cmd = full[0] === "sudo" && full.length > 1 ? full.slice(1) : full;
    const prog = cmd[0]!.split("/").pop()!;
    const isAccount = ["groupadd", "addgroup", "useradd", "adduser"].includes(prog);
    const { opts, positional } = options(cmd, isAccount ? ACCOUNT_VALUE_OPTS : CHOWN_VALUE_OPTS);
    const name = positional[positional.length - 1] ?? "";
    if (prog === "groupadd" || prog === "addgroup") {
      accounts.push({ kind: "group", name, id: num(opts.get("-g") ?? opts.get("--gid")), noLogInit: true, line: ins.line });
    } else if (prog === "useradd" || prog === "adduser") {
      const g = opts.get("-g") ?? opts.get("--gid") ?? opts.get("--ingroup");
      accounts.push({
        kind: "user",
        name,
        id: num(opts.get("-u") ?? opts.get("--uid")),
        gid: num(g) ?? (typeof g === "string" ? accounts.find((a) => a.kind === "group" && a.name === g)?.id : undefined),
        // DL3046 concerns useradd only; Debian's adduser never writes lastlog for --system.
        noLogInit: prog === "adduser" || opts.has("-l") || opts.has("--no-log-init"),
        line: ins.line,
      });
    } else if (prog === "chown") {
      const [owner, ...paths] = positional;
      if (owner) ownership.push({ owner, paths, recursive: opts.has("-R") || opts.has("--recursive"), line: ins.line });
    } else if (prog === "install" && (opts.has("-d") || opts.has("--directory"))) {
      // install -d -o U -g G dir: -o/-g take values, so re-read the raw tokens.
      const o = cmd[cmd.indexOf("-o") + 1];
      const g = cmd[cmd.indexOf("-g") + 1];
      if (cmd.includes("-o") && o) {
        const paths = cmd.slice(1).filter((t, i, all) => !t.startsWith("-") && !["-o", "-g", "-m"].includes(all[i - 1] ?? ""));
        ownership.push({ owner: cmd.includes("-g") && g ? `${o}:${g}` : o, paths, recursive: false, line: ins.line });
      }
    }
  }
}

/** Numeric ids of `user[:group]`, through the accounts the Dockerfile itself declares. */
export function resolveUser(raw: string, accounts: AccountDecl[]): UserRef {
  const [u = "", g] = raw.trim().split(":");
  const user = accounts.slice().reverse().find((a) => a.kind === "user" && a.name === u);
  const uid = /^\d+$/.test(u) ? Number(u) : user?.id;
  let gid: number | undefined;
  if (g !== undefined) gid = /^\d+$/.test(g) ? Number(g) : accounts.slice().reverse().find((a) => a.kind === "group" && a.name === g)?.id;
  else gid = user?.gid ?? (u === "root" || u === "0" ? 0 : undefined);
  if (u === "root") return { raw, uid: 0, gid: gid ?? 0 };
  return { raw, uid, gid };
}

export function parseDockerfile(text: string, file: string, target?: string): DockerfileModel {
  const df = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const i of df.getInstructions()) {
    const ins = toInstruction(i);
    if (ins.keyword === "FROM") {
      const asIdx = ins.args.findIndex((a) => a.toLowerCase() === "as");
      stages.push({ from: ins.args[0] ?? "", name: asIdx > 0 ? ins.args[asIdx + 1]?.toLowerCase() : undefined, instructions: [ins] });
    } else if (stages.length) stages[stages.length - 1]!.instructions.push(ins);
  }
  const instructions = stageChain(stages, target);
  const accounts: AccountDecl[] = [];
  const ownership: OwnershipDecl[] = [];
  for (const ins of instructions) if (ins.keyword === "RUN") {
    ins.commands = simpleCommands(ins.args);
    readRun(ins, accounts, ownership);
  }
  const lastUser = instructions.slice().reverse().find((i) => i.keyword === "USER");
  const user = lastUser
    ? { ...resolveUser(lastUser.args[0] ?? "", accounts), location: { file, line: lastUser.line } }
    : undefined;
  return { file, instructions, user, accounts, ownership };
}

export function readDockerfile(path: string, file: string, target?: string): DockerfileModel {
  return parseDockerfile(readFileSync(path, "utf8"), file, target);
}
