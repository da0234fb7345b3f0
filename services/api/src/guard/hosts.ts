// The Host allow-list: a browser tricked by DNS rebinding sends the attacker's name as
// Host, never one of ours, so a request naming any other host is refused before routing.

/** "api:8080", "[::1]:8080", "LOCALHOST" → "api", "::1", "localhost". */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 1 ? h.slice(1, end) : null;
  }
  const name = h.split(":")[0]!;
  return name || null;
}

export function parseAllowedHosts(list: string): Set<string> {
  return new Set(
    list
      .split(",")
      .map((s) => hostName(s.trim().startsWith("[") || s.split(":").length <= 2 ? s : `[${s.trim()}]`))
      .filter((s): s is string => !!s),
  );
}

export function hostAllowed(header: string | undefined, allowed: Set<string>): boolean {
  const name = hostName(header);
  return name !== null && allowed.has(name);
}
