// Day separators and relative times, all through Intl (so they follow the widget's locale).

export function parseTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

export function dayKey(d) {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function startOfDay(d) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function createTimeFormat(locale, t) {
  const time = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "long" });
  const dayMonth = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long" });
  const fullDate = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric" });
  const shortDate = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short" });
  const rel = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "long" });
  const DAY = 86400000;

  /** "Today", "Yesterday", "Monday", "3 March", "3 March 2025" for day separators. */
  function day(d, now = new Date()) {
    const diff = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
    if (diff === 0) return t("today");
    if (diff === 1) return t("yesterday");
    if (diff > 1 && diff < 7) return weekday.format(d);
    return d.getFullYear() === now.getFullYear() ? dayMonth.format(d) : fullDate.format(d);
  }

  /** Message time: "now", "5 minutes ago" within the hour, then the clock time (the separator gives the day). */
  function relative(d, now = new Date()) {
    const secs = Math.round((now - d) / 1000);
    if (secs < 45) return rel.format(0, "second");
    if (secs < 3600) return rel.format(-Math.max(1, Math.round(secs / 60)), "minute");
    return time.format(d);
  }

  /** Contact list: clock time today, "Yesterday", weekday within a week, else a short date. */
  function short(d, now = new Date()) {
    const diff = Math.round((startOfDay(now) - startOfDay(d)) / DAY);
    if (diff <= 0) return time.format(d);
    if (diff === 1) return t("yesterday");
    if (diff < 7) return weekday.format(d);
    return shortDate.format(d);
  }

  return { day, relative, short, full: (d) => full.format(d) };
}
