// Tiny DOM helpers. User text only ever goes through textContent: never innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("button", {class: "x", text: "Hi", "aria-label": "…", onclick: fn}, child, …)
 * Keys: class, text (textContent), on<event> (listener), .prop (DOM property);
 * anything else is an attribute (true -> "", false/null -> omitted).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else if (key[0] === ".") el[key.slice(1)] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Icon paths (24x24 viewBox), drawn with currentColor.
export const ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
  close: "M6 6l12 12M18 6L6 18",
  back: "M15 5l-7 7 7 7",
  send: "M3 20l18-8L3 4v6l12 2-12 2z",
  search: "M10.5 4a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM15.5 15.5L20 20",
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
  sliders: "M4 7h9M17 7h3M15 5v4M4 17h3M11 17h9M9 15v4",
  more: "M12 5.5v.5M12 11.75v.5M12 18v.5",
  tick: "M4 12.5l4.5 4.5L19 6.5",
  ticks: "M1.5 12.5L6 17 16.5 6.5M10 16l1 1L21.5 6.5",
  clock: "M12 4a8 8 0 1 1 0 16 8 8 0 0 1 0-16zM12 8v4l3 2",
  alert: "M12 3l10 18H2zM12 10v5M12 17.5v.5",
  down: "M6 9l6 6 6-6",
  trash: "M4 7h16M10 7V4h4v3M6 7l1 13h10l1-13M10 11v5M14 11v5",
  more: "M5 12h.01M12 12h.01M19 12h.01",
  smile: "M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM8.5 14.5s1.2 1.5 3.5 1.5 3.5-1.5 3.5-1.5M9 9.5h.01M15 9.5h.01",
};

export function icon(name, cls = "icon") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", cls + " i-" + name);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

/** Show or hide an element with the hidden attribute (CSS keeps [hidden] hidden). */
export function show(el, visible) {
  el.hidden = !visible;
}

/**
 * Keyed update of a container's children: reuses nodes by key, moves them into order,
 * removes the rest. create(item) -> node; update(node, item) refreshes it.
 */
export function reconcile(parent, cache, items, keyOf, create, update) {
  const next = new Map();
  let ref = parent.firstChild;
  for (const item of items) {
    const key = keyOf(item);
    let node = cache.get(key);
    if (!node) node = create(item);
    update(node, item);
    next.set(key, node);
    if (node === ref) ref = ref.nextSibling;
    else parent.insertBefore(node, ref);
  }
  while (ref) {
    const stale = ref;
    ref = ref.nextSibling;
    stale.remove();
  }
  cache.clear();
  for (const [k, v] of next) cache.set(k, v);
}

/** Split text into text nodes and safe links (http/https only), never parsing HTML. */
export function linkify(text) {
  const out = [];
  const re = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    out.push(h("a", { href: m[0], target: "_blank", rel: "noopener noreferrer nofollow", text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || "?").slice(0, 2);
  return letters.toUpperCase();
}

/**
 * An avatar: the image when there is one (initials if it fails to load), coloured initials otherwise.
 * The online dot is a class driven by store state (presence), set by the caller.
 */
export function avatar(user, size = "md") {
  const wrap = h("span", { class: `avatar avatar-${size} av-c${Math.abs(Number(user.id) || 0) % 8}`, "aria-hidden": "true" });
  const fallback = h("span", { class: "avatar-initials", text: initials(user.name) });
  if (user.avatar) {
    const img = h("img", { src: user.avatar, alt: "", loading: "lazy", decoding: "async", referrerpolicy: "no-referrer" });
    img.addEventListener("error", () => img.replaceWith(fallback), { once: true });
    wrap.append(img);
  } else {
    wrap.append(fallback);
  }
  wrap.append(h("span", { class: "presence-dot" }));
  return wrap;
}

export function uuid() {
  if (crypto.randomUUID && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
