"""Unit checks of the widget's pure modules, run in the browser that runs the widget."""

import pytest


@pytest.fixture
def modules(open_page, live_server):
    """run(body) evaluates an async function body with the modules bound to `m`."""
    page = open_page(None, path=None)
    page.route(
        live_server.url + "/unit",
        lambda route: route.fulfill(content_type="text/html", body="<!doctype html>"),
    )
    page.goto(live_server.url + "/unit")

    def run(body):
        return page.evaluate(PRELUDE.replace("BODY", body))

    return run


PRELUDE = """async () => {
                const base = '/addchat/static/widget/';
                const m = {
                  store: await import(base + 'store.js'),
                  chat: await import(base + 'chat.js'),
                  time: await import(base + 'time.js'),
                  i18n: await import(base + 'i18n.js'),
                  transports: await import(base + 'transports/index.js'),
                };
                BODY
            }"""


def test_seq_tracker_dedupes_and_keeps_the_highest_cursor(modules):
    result = modules(
        """
        const t = m.store.createSeqTracker(10);
        return [t.accept(9), t.accept(10), t.accept(12), t.accept(12), t.accept(11), t.cursor,
                (t.advance(20), t.cursor), (t.advance(15), t.cursor), t.accept(null)];
        """
    )
    assert result == [False, False, True, False, True, 12, 20, 20, True]


def test_merge_messages_replaces_pending_by_client_id_and_keeps_order(modules):
    result = modules(
        """
        const pending = {id: null, client_id: 'c1', from_id: 1, to_id: 2, body: 'hi', pending: true, _t: 1};
        let list = m.chat.mergeMessages([], [pending]);
        list = m.chat.mergeMessages(list, [{id: 7, client_id: null, from_id: 2, to_id: 1, body: 'a', seen_at: '2026-01-01T00:00:00Z'}]);
        list = m.chat.mergeMessages(list, [{id: 9, client_id: 'c1', from_id: 1, to_id: 2, body: 'hi', seen_at: null}]);
        list = m.chat.mergeMessages(list, [{id: 7, client_id: null, from_id: 2, to_id: 1, body: 'a', seen_at: null}]);
        list = m.chat.mergeMessages(list, [{id: 5, from_id: 2, to_id: 1, body: 'old', deleted: true}]);
        list = m.chat.mergeMessages(list, [{id: 5, from_id: 2, to_id: 1, body: 'old', deleted: false}]);
        return list.map((x) => [x.id, x.body, Boolean(x.pending), x.seen_at || null, x.deleted]);
        """
    )
    assert result == [
        [5, "", False, None, True],  # a deletion sticks
        [7, "a", False, "2026-01-01T00:00:00Z", False],  # seen_at is never lost by an older copy
        [9, "hi", False, None, False],  # the pending copy became the stored one, not a second
    ]


def test_day_labels_and_relative_times(modules):
    result = modules(
        """
        const {t} = m.i18n.createI18n('en-US');
        const f = m.time.createTimeFormat('en-US', t);
        const now = new Date(2026, 10, 29, 15, 0, 0);
        const at = (d, h, min = 0) => new Date(2026, 10, d, h, min);
        return [f.day(at(29, 9), now), f.day(at(28, 9), now), f.day(at(25, 9), now), f.day(new Date(2025, 0, 2), now),
                f.relative(new Date(now - 10000), now), f.relative(new Date(now - 5 * 60000), now),
                f.relative(at(29, 9, 5), now), f.short(at(27, 9), now)];
        """
    )
    assert result == [
        "Today",
        "Yesterday",
        "Wednesday",
        "January 2, 2025",
        "now",
        "5 minutes ago",
        "9:05 AM",
        "Friday",
    ]


def test_backoff_grows_caps_and_honours_retry_after(modules):
    result = modules(
        """
        const d = m.transports.backoffDelay;
        const within = (v, lo, hi) => v >= lo && v <= hi;
        return [within(d(0, 1000), 800, 1200), within(d(3, 1000), 6400, 9600), d(20, 1000) <= 60000,
                d(0, 1000, {retryAfter: 30}) >= 30000];
        """
    )
    assert result == [True, True, True, True]


def test_unknown_locale_falls_back_to_english(modules):
    result = modules(
        """
        const fr = m.i18n.createI18n('fr-CA');
        const xx = m.i18n.createI18n('not a locale!');
        return [fr.t('send'), fr.t('unread', {n: 3}), xx.t('send'), xx.locale];
        """
    )
    assert result == ["Envoyer", "3 non lus", "Send", "en"]
