// The raw compose YAML, read for what resolution hides (DESIGN.md decision 4): which
// services merge the `x-security-defaults` anchor, where a service's own list REPLACES the
// anchor's (YAML merge keys never merge lists), and the line of every key for locations.
// Merge keys are left unresolved on purpose (yaml 1.2 core schema): `<<` stays a key whose
// value is an alias we can follow.
import { readFileSync, existsSync } from "node:fs";
import { parseDocument, LineCounter, isMap, isSeq, isAlias, isScalar, type Document, type Node } from "yaml";
import { UsageError } from "../errors.ts";
import { shownPath } from "./paths.ts";
import type { RawServiceFacts, ReplacedList } from "../model.ts";
import type { Location } from "../types.ts";

export const ANCHOR_KEY = "x-security-defaults";

export interface RawCompose {
  anchor?: { name: string; location: Location };
  services: Record<string, RawServiceFacts>;
}

interface AnchorInfo {
  node: Node;
  name: string;
  location: Location;
  lists: Record<string, string[]>;
  keys: Record<string, Location>;
  items: Record<string, Location[]>;
}

const scalarText = (n: unknown): string => (isScalar(n) ? String(n.value) : String(n));

/** How two list items are compared: tmpfs by mount path, options by their key=value. */
function itemKey(key: string, item: string): string {
  if (key === "tmpfs") return item.split(":")[0]!.replace(/\/+$/, "");
  return item.replace(/\s+/g, "").replace("=", ":").toLowerCase();
}

export function readRawCompose(files: string[], repoRoot: string): RawCompose {
  const result: RawCompose = { services: {} };
  for (const file of files) {
    const rel = shownPath(repoRoot, file);
    if (!existsSync(file)) throw new UsageError("compose file not found", rel);
    const lc = new LineCounter();
    const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lc, prettyErrors: false });
    const err = doc.errors[0];
    if (err) throw new UsageError(`malformed YAML: ${err.message.split("\n")[0]}`, rel, lc.linePos(err.pos[0]).line);
    const at = (n: { range?: [number, number, number] | null } | null | undefined): Location => ({
      file: rel,
      line: n?.range ? lc.linePos(n.range[0]).line : undefined,
    });
    const anchor = readAnchor(doc, at);
    if (anchor && !result.anchor) result.anchor = { name: anchor.name, location: anchor.location };
    const services = doc.get("services", true);
    if (services === undefined) continue;
    if (!isMap(services)) throw new UsageError("`services` must be a mapping", rel, at(services as Node).line);
    for (const pair of services.items) {
      const name = scalarText(pair.key);
      const facts = (result.services[name] ??= {
        location: at(pair.key as Node),
        mergesAnchor: false,
        keys: {},
        items: {},
        replaced: [],
      });
      if (isMap(pair.value)) readService(doc, pair.value, anchor, facts, at);
    }
  }
  return result;
}

function readAnchor(doc: Document, at: (n: Node) => Location): AnchorInfo | undefined {
  const node = doc.get(ANCHOR_KEY, true) as Node | undefined;
  if (!node || !isMap(node)) return undefined;
  const info: AnchorInfo = { node, name: node.anchor ?? ANCHOR_KEY, location: at(node), lists: {}, keys: {}, items: {} };
  for (const p of node.items) {
    const key = scalarText(p.key);
    info.keys[key] = at(p.key as Node);
    if (isSeq(p.value)) {
      info.lists[key] = p.value.items.map(scalarText);
      info.items[key] = p.value.items.map((i) => at(i as Node));
    }
  }
  return info;
}

/** True when a `<<` value (alias or list of aliases) points at the security anchor. */
function mergesAnchor(doc: Document, value: unknown, anchor: AnchorInfo): boolean {
  const aliases = isSeq(value) ? value.items : [value];
  return aliases.some((a) => isAlias(a) && a.resolve(doc) === anchor.node);
}

function readService(
  doc: Document,
  map: import("yaml").YAMLMap,
  anchor: AnchorInfo | undefined,
  facts: RawServiceFacts,
  at: (n: Node) => Location,
): void {
  const merged = anchor !== undefined && map.items.some((p) => scalarText(p.key) === "<<" && mergesAnchor(doc, p.value, anchor));
  if (merged && anchor) {
    facts.mergesAnchor = true;
    // Keys the service inherits point at the anchor unless the service sets them itself.
    for (const [k, loc] of Object.entries(anchor.keys)) facts.keys[k] ??= loc;
    for (const [k, locs] of Object.entries(anchor.items)) facts.items[k] ??= locs;
  }
  for (const p of map.items) {
    const key = scalarText(p.key);
    if (key === "<<") continue;
    facts.keys[key] = at(p.key as Node);
    if (isSeq(p.value)) facts.items[key] = p.value.items.map((i) => at(i as Node));
    if (merged && anchor?.lists[key] && isSeq(p.value)) {
      const own = p.value.items.map(scalarText);
      const ownKeys = new Set(own.map((i) => itemKey(key, i)));
      const missing = anchor.lists[key]!.filter((i) => !ownKeys.has(itemKey(key, i)));
      const replaced: ReplacedList = { key, anchorItems: anchor.lists[key]!, ownItems: own, missing, location: at(p.key as Node) };
      facts.replaced.push(replaced);
    }
  }
}

/**
 * Where each service is declared (its key's line in the first compose file that names it):
 * the location of a result that has none of its own (runtime, database, workflow checks),
 * so that every report format can point at the service. Empty when a file cannot be read:
 * the run reports that failure elsewhere.
 */
export function serviceLocations(files: string[], repoRoot: string): Record<string, Location> {
  try {
    return Object.fromEntries(Object.entries(readRawCompose(files, repoRoot).services).map(([name, f]) => [name, f.location]));
  } catch {
    return {};
  }
}
