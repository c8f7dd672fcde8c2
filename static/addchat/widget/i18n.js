// UI strings: one table per language in ./i18n/ (en.js is the reference), loaded on demand.
// The language is the first supported one of: data-locale, <html lang>, the browser's
// languages; plural forms are chosen by Intl.PluralRules; ar and he lay out right to left.
// Times and dates come from Intl, so they follow the locale without tables.

import en from "./i18n/en.js";

export const LANGUAGES = ["en", "de", "fr", "hi", "it", "ja", "ru", "zh-CN", "ar", "he"];
const RTL = new Set(["ar", "he"]);

/** The supported language tag for a BCP 47 tag ("zh-Hans-CN" -> "zh-CN", "pt" -> null). */
export function matchLanguage(tag) {
  let canonical;
  try {
    canonical = Intl.getCanonicalLocales(String(tag || "").trim())[0];
  } catch {
    return null;
  }
  if (!canonical) return null;
  const lang = canonical.split("-")[0].toLowerCase();
  if (lang === "zh") return "zh-CN";
  return LANGUAGES.includes(lang) ? lang : null;
}

/** The first supported language among the candidates (data-locale, <html lang>, the browser's). */
export function pickLanguage(candidates) {
  for (const tag of candidates || []) {
    const lang = matchLanguage(tag);
    if (lang) return { lang, tag: Intl.getCanonicalLocales(tag)[0] };
  }
  return { lang: "en", tag: "en" };
}

/** Load a language's table (English is built in). */
export async function loadStrings(lang) {
  if (lang === "en") return en;
  try {
    return (await import(`./i18n/${lang}.js`)).default;
  } catch (err) {
    console.warn(`[AddChat] strings for "${lang}" unavailable, using English`, err);
    return en;
  }
}

/** t(key, vars) for one language: {placeholders} filled, {n} choosing the plural form. */
export function makeTranslator(lang, table) {
  const plural = new Intl.PluralRules(lang);
  return function t(key, vars) {
    let s = table[key] ?? en[key] ?? key;
    if (s && typeof s === "object") {
      const n = vars && typeof vars.n === "number" ? vars.n : 0;
      s = s[plural.select(n)] ?? s.other;
    }
    return vars ? s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : "")) : s;
  };
}

/** {t, locale, lang, dir} for the first supported candidate language. */
export async function createI18n(candidates) {
  const { lang, tag } = pickLanguage(Array.isArray(candidates) ? candidates : [candidates]);
  const table = await loadStrings(lang);
  return { t: makeTranslator(lang, table), locale: tag, lang, dir: RTL.has(lang) ? "rtl" : "ltr" };
}
