// The Debian packages of an image, from its dpkg status database (/var/lib/dpkg/status):
// pure parsing of the deb822 stanzas. Only packages dpkg calls "installed" count; removed
// packages leave config-files stanzas behind, and those are not in the image.
export interface DebPackage {
  name: string;
  version: string;
  arch: string;
  /** The source package, when it differs from the binary's name (Source: field). */
  source?: string;
}

function stanzas(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let cur = new Map<string, string>();
  let last = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (cur.size) out.push(cur);
      cur = new Map();
      last = "";
    } else if (/^[ \t]/.test(line)) {
      if (last) cur.set(last, `${cur.get(last)}\n${line.trim()}`); // continuation line
    } else {
      const i = line.indexOf(":");
      if (i <= 0) continue;
      last = line.slice(0, i);
      cur.set(last, line.slice(i + 1).trim());
    }
  }
  if (cur.size) out.push(cur);
  return out;
}

/** Every installed package, sorted by name then arch. */
export function parseDpkgStatus(text: string): DebPackage[] {
  const pkgs: DebPackage[] = [];
  for (const s of stanzas(text)) {
    const name = s.get("Package");
    const version = s.get("Version");
    if (!name || !version || !/ installed$/.test(s.get("Status") ?? "")) continue;
    const source = s.get("Source")?.split(" ")[0];
    pkgs.push({ name, version, arch: s.get("Architecture") ?? "all", ...(source && source !== name ? { source } : {}) });
  }
  return pkgs.sort((a, b) => a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch));
}
