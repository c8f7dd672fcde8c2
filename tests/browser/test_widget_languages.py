"""Ten languages: every string in every one, plural forms through Intl.PluralRules, the locale
from data-locale, then <html lang>, then the browser; Arabic and Hebrew mirror the layout."""

import pytest
from playwright.sync_api import expect
from test_widget_isolation_a11y import CONTRAST_JS, serve
from widget_po import Widget

LANGUAGES = ["en", "de", "fr", "hi", "it", "ja", "ru", "zh-CN", "ar", "he"]


def blank_page(page, base_url):
    """A same-origin empty page to import the widget's modules from."""
    page.route(
        base_url + "/unit", lambda route: route.fulfill(content_type="text/html", body="<!doctype html>")
    )
    page.goto(base_url + "/unit")


def host_page(lang, script_attrs=""):
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Host</title></head>'
        f'<body><h1>Host</h1><script src="/addchat/widget.js" defer {script_attrs}></script></body></html>'
    )


def test_every_string_has_every_language(open_page, live_server):
    page = open_page(None, path=None)
    blank_page(page, live_server.url)
    report = page.evaluate(
        """async (langs) => {
            const i18n = await import('/addchat/static/widget/i18n.js');
            const en = (await import('/addchat/static/widget/i18n/en.js')).default;
            const out = {};
            for (const lang of langs) {
              const table = await i18n.loadStrings(lang);
              const plural = new Intl.PluralRules(lang);
              const problems = [];
              for (const key of Object.keys(en)) if (!(key in table)) problems.push('missing ' + key);
              for (const key of Object.keys(table)) if (!(key in en)) problems.push('extra ' + key);
              for (const [key, value] of Object.entries(table)) {
                if (typeof value === 'string') { if (!value.trim() && key !== 'youPrefix') problems.push('empty ' + key); continue; }
                if (!value.other) problems.push('no other form: ' + key);
                for (const cat of plural.resolvedOptions().pluralCategories) {
                  if (typeof en[key] === 'object' && !(cat in value) && !value.other) problems.push(`no ${cat}: ${key}`);
                }
              }
              const same = Object.keys(en).filter((k) => JSON.stringify(table[k]) === JSON.stringify(en[k]));
              out[lang] = { problems, same: same.length, total: Object.keys(en).length, send: table.send };
            }
            return out;
        }""",
        LANGUAGES,
    )
    for lang, r in report.items():
        assert not r["problems"], (lang, r["problems"])
        if lang != "en":
            assert r["same"] < r["total"] / 4, (lang, r)  # translated, not copied
    assert len({r["send"] for r in report.values()}) == len(LANGUAGES)


def test_plural_forms_follow_intl_plural_rules(open_page, live_server):
    page = open_page(None, path=None)
    blank_page(page, live_server.url)
    result = page.evaluate(
        """async () => {
            const {createI18n} = await import('/addchat/static/widget/i18n.js');
            const ru = await createI18n(['ru']);
            const en = await createI18n(['en']);
            const ar = await createI18n(['ar-EG']);
            return [ru.t('unread', {n: 1}), ru.t('unread', {n: 3}), ru.t('unread', {n: 5}),
                    en.t('rateLimited', {n: 1}), en.t('rateLimited', {n: 4}), ar.t('openChatUnread', {n: 2}), ar.dir];
        }"""
    )
    assert result == [
        "1 непрочитанное",
        "3 непрочитанных",
        "5 непрочитанных",
        "Sending too fast: waiting 1 second, then the rest will be sent in order.",
        "Sending too fast: waiting 4 seconds, then the rest will be sent in order.",
        "فتح الدردشة، رسالتان غير مقروءتين",
        "rtl",
    ]


@pytest.mark.parametrize(
    ("html_lang", "attrs", "browser_locale", "expected"),
    [
        ("de", 'data-locale="ja"', "fr-FR", "チャットを開く"),  # data-locale first
        ("it", "", "fr-FR", "Apri la chat"),  # then <html lang>
        ("", "", "zh-CN", "打开聊天"),  # then the browser
        ("pt", 'data-locale="xx"', "hi-IN", "चैट खोलें"),  # unsupported ones are skipped
    ],
)
def test_the_locale_comes_from_data_locale_then_html_lang_then_the_browser(
    open_page, live_server, html_lang, attrs, browser_locale, expected
):
    page = open_page("alice", path=None, locale=browser_locale)
    serve(page, live_server.url + "/lang", host_page(html_lang, attrs))
    page.goto(live_server.url + "/lang")
    expect(Widget(page).launcher).to_have_attribute("aria-label", expected)


@pytest.mark.parametrize("lang", ["ar", "he"])
def test_a_right_to_left_page_mirrors_the_layout(open_page, live_server, lang, shot):
    live_server.api("bob").send(live_server.ids["alice"], "Hello from Bob")
    page = open_page("alice", path=None)
    serve(page, live_server.url + "/rtl", host_page(lang).replace("<html", '<html dir="rtl"'))
    page.goto(live_server.url + "/rtl")
    w = Widget(page)
    expect(w.launcher).to_be_visible()
    assert w.page.locator("addchat-widget .root").get_attribute("dir") == "rtl"
    assert w.launcher.bounding_box()["x"] < 100, "the launcher sits at the start (left) side"
    w.open()
    panel = w.panel.bounding_box()
    assert panel["x"] < 100
    # The search icon is at the right end of the field; the back arrow at the right of the header.
    search = page.locator("addchat-widget .search-input").bounding_box()
    icon = page.locator("addchat-widget .search-icon").bounding_box()
    assert icon["x"] > search["x"] + search["width"] / 2
    page.locator("addchat-widget .contact").first.click()
    expect(w.composer).to_be_visible()
    back = page.locator("addchat-widget .back").bounding_box()
    assert back["x"] > panel["x"] + panel["width"] / 2
    w.send("שלום" if lang == "he" else "مرحبا")
    mine = page.locator("addchat-widget .msg.mine .bubble").last.bounding_box()
    theirs = page.locator("addchat-widget .msg.theirs .bubble").first.bounding_box()
    assert mine["x"] < theirs["x"], (mine, theirs)  # mine on the left, theirs on the right
    assert not page.evaluate(CONTRAST_JS)["failures"]
    shot(page, f"9c-rtl-{lang}")
