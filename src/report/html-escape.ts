// Five characters are all HTML needs escaped in text and quoted attributes.
export const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The page's name for a check's service; checks of the whole stack have none. */
export const serviceKey = (service: string | null) => service ?? "(stack)";

/** The id of a service's section: only characters that need no escaping in a URL fragment. */
export const serviceAnchor = (service: string | null) => `svc-${serviceKey(service).replace(/[^\w-]/g, "_")}`;

/** Parts joined by " · ", leaving out the empty ones (no dangling separator). */
export const dotted = (parts: (string | undefined | null | false)[]) => parts.filter(Boolean).join(" · ");
