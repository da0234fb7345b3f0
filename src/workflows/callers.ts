// The api callers the workflow checks act as, read from the same file the api reads (the
// api service's `api_tokens` compose secret), with the api's own parser.
import { readFileSync } from "node:fs";
import { parseCallers, type Caller } from "../../services/api/src/guard/callers.ts";
import type { ResolvedCompose } from "../sources/compose.ts";

export const TOKENS_SECRET = "api_tokens";
/** The caller apex acts as when the file lists it; otherwise the first one listed. */
export const OWN_CALLER = "verify";

export interface ApiCallers {
  own: Caller;
  /** Another caller, to prove that one caller cannot see another's jobs. */
  other?: Caller;
}

export function apiCallersOf(model: ResolvedCompose, service = "api"): ApiCallers {
  const declared = (model.services[service]?.secrets ?? []).map((s) => s.source);
  if (!declared.includes(TOKENS_SECRET)) throw new Error(`the ${service} service has no "${TOKENS_SECRET}" secret, so apex has no token to call it with`);
  const file = model.secrets?.[TOKENS_SECRET]?.file;
  if (!file) throw new Error(`secret "${TOKENS_SECRET}" is not a file secret`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read the api's tokens (${(e as NodeJS.ErrnoException).code ?? "unreadable"}); run scripts/secrets.sh`);
  }
  return pick(parseCallers(text, file));
}

function pick(callers: Caller[]): ApiCallers {
  const own = callers.find((c) => c.name === OWN_CALLER) ?? callers[0]!;
  const other = callers.find((c) => c !== own);
  return { own, ...(other ? { other } : {}) };
}

/** The callers of a checkout's own stack (infra/secrets/api_tokens), for its tests and benchmarks. */
export function repoApiCallers(repoRoot: string): ApiCallers {
  const file = `${repoRoot}/infra/secrets/api_tokens`;
  return pick(parseCallers(readFileSync(file, "utf8"), file));
}
