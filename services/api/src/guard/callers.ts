// Who may call the api: one line per caller in the api_tokens secret, "<caller> <token>".
// The caller's name scopes its jobs (a caller sees only the jobs it created); the token is
// what it presents as "Authorization: Bearer <token>".
import { createHash, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../shared/env.ts";

export interface Caller {
  name: string;
  token: string;
}

export const CALLER_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const TOKEN = /^[A-Za-z0-9._~+/=-]{32,512}$/;

/** Parses the tokens file; every problem names the file and line and never the token. */
export function parseCallers(text: string, source: string): Caller[] {
  const callers: Caller[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const where = `${source}:${i + 1}`;
    const [name, token, ...rest] = line.split(/\s+/);
    if (!name || !token || rest.length) throw new ConfigError(`${where}: expected "<caller> <token>"`);
    if (!CALLER_NAME.test(name)) throw new ConfigError(`${where}: caller name "${name}" must match ${CALLER_NAME.source}`);
    if (!TOKEN.test(token)) throw new ConfigError(`${where}: the token of "${name}" must be 32 to 512 URL-safe characters`);
    if (callers.some((c) => c.name === name)) throw new ConfigError(`${where}: caller "${name}" is listed twice`);
    if (callers.some((c) => c.token === token)) throw new ConfigError(`${where}: caller "${name}" reuses another caller's token`);
    callers.push({ name, token });
  });
  if (!callers.length) throw new ConfigError(`${source}: no caller is listed`);
  return callers;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Returns a lookup from a presented token to its caller. Both sides are hashed to one length
 * and every caller is compared, so neither the length nor the position of a match shows in
 * the time taken.
 */
export function callerLookup(callers: Caller[]): (presented: string) => string | null {
  const known = callers.map((c) => ({ name: c.name, hash: digest(c.token) }));
  return (presented) => {
    const hash = digest(presented);
    let found: string | null = null;
    for (const k of known) if (timingSafeEqual(k.hash, hash)) found = k.name;
    return found;
  };
}
