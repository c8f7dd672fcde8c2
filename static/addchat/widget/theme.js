// The widget's look from its options: theme, brand colour (data-color, with contrast kept),
// the space left free for the host's header (data-offset-top) and the writing direction.
// Set through CSSOM custom properties (allowed under style-src 'self'; no style attribute in markup).

const WHITE = [255, 255, 255];
const DARK_BG = [28, 30, 34]; // --ac-bg of the dark theme
const INK = [17, 17, 17]; // dark text on light brand colours

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(c) {
  return "#" + c.map((x) => Math.round(x).toString(16).padStart(2, "0")).join("");
}

function luminance(c) {
  const [r, g, b] = c.map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours. */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

function mix(c, toward, amount) {
  return c.map((v, i) => v + (toward[i] - v) * amount);
}

/** Move `from` toward `to` in 5% steps until ok(colour) holds (or it gets there). */
function nudge(from, to, ok) {
  let c = from;
  for (let step = 1; step <= 20 && !ok(c); step++) c = mix(from, to, step * 0.05);
  return c;
}

/**
 * Colours from one brand colour. Fills (launcher, header, my bubbles, send) keep the colour itself
 * with white or near-black text, whichever reads better (nudged only if neither reaches 4.5:1);
 * text in the colour on the panel (links, "Seen", focus rings) is darkened (light theme) or
 * lightened (dark) until it reaches 4.5:1 there.
 */
export function brandColours(color, dark) {
  const base = rgb(color);
  const page = dark ? DARK_BG : WHITE;
  const on = contrast(base, WHITE) >= contrast(base, INK) ? WHITE : INK;
  const fill = nudge(base, on === WHITE ? [0, 0, 0] : WHITE, (c) => contrast(c, on) >= 4.5);
  const text = nudge(base, dark ? WHITE : [0, 0, 0], (c) => contrast(c, page) >= 4.5);
  const hover = mix(fill, on === WHITE ? [0, 0, 0] : WHITE, 0.12);
  return { accent: hex(fill), hover: hex(hover), on: hex(on), text: hex(text) };
}

function applyBrand(root, color, dark) {
  const c = brandColours(color, dark);
  const props = {
    "--ac-accent": c.accent,
    "--ac-accent-hover": c.hover,
    "--ac-on-accent": c.on,
    "--ac-accent-text": c.text,
    "--ac-focus": c.text,
    "--ac-mine-bg": c.accent,
    "--ac-mine-text": c.on,
    "--ac-mine-meta": c.on,
    "--ac-seen": c.on,
  };
  if (!dark) {
    props["--ac-head-bg"] = c.accent;
    props["--ac-head-text"] = c.on;
  }
  for (const [name, value] of Object.entries(props)) root.style.setProperty(name, value);
}

/** Theme, brand colour, top offset and direction on the widget's root element. */
export function applyLook(root, { theme, color, offsetTop }, dir) {
  root.dir = dir;
  if (offsetTop) root.style.setProperty("--ac-offset-top", `${offsetTop}px`);
  if (!color) return;
  const query = window.matchMedia("(prefers-color-scheme: dark)");
  const update = () => applyBrand(root, color, theme === "dark" || (theme === "auto" && query.matches));
  update();
  if (theme === "auto") query.addEventListener("change", update);
}
