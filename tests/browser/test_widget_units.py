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
                  backoff: await import(base + 'transports/backoff.js'),
                  sync: await import(base + 'transports/sync.js'),
                  timers: await import(base + 'timers.js'),
                  pusher: await import(base + 'transports/pusher.js'),
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
        const {t} = await m.i18n.createI18n('en-US');
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
        const d = m.backoff.backoffDelay;
        const within = (v, lo, hi) => v >= lo && v <= hi;
        return [within(d(0, 1000), 800, 1200), within(d(3, 1000), 6400, 9600), d(20, 1000) <= 60000,
                d(0, 1000, {retryAfter: 30}) >= 30000];
        """
    )
    assert result == [True, True, True, True]


def test_unknown_locale_falls_back_to_english(modules):
    result = modules(
        """
        const fr = await m.i18n.createI18n('fr-CA');
        const xx = await m.i18n.createI18n('not a locale!');
        return [fr.t('send'), fr.t('unread', {n: 3}), xx.t('send'), xx.locale];
        """
    )
    assert result == ["Envoyer", "3 non lus", "Send", "en"]


# The feed sync of push transports (transports/sync.js), driven with a scripted poll API.
SYNC_HARNESS = """
        const polls = [];  // [{cursor, resolve, reject}] in the order asked
        const api = {get: (path, query) => new Promise((resolve, reject) => polls.push({path, cursor: query.cursor, resolve, reject}))};
        const delivered = [];
        const statuses = [];
        const feed = m.sync.createFeedSync({
          api, startCursor: 10, settleMs: 40, safetyPollMs: 60000,
          deliver: (changes, cursor) => delivered.push([changes.map((c) => c.seq), cursor ?? null]),
          onStatus: (status, detail) => statuses.push([status, (detail && detail.reason) || null]),
        });
        const change = (seq) => ({seq, type: 'message', data: {id: seq}});
        const until = async (fn) => { for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 10)); return fn(); };
        const tick = () => new Promise((r) => setTimeout(r, 0));
"""


def test_sync_a_push_past_a_gap_does_not_move_the_confirmed_cursor_and_the_settle_poll_fills_it(modules):
    result = modules(
        SYNC_HARNESS
        + """
        feed.push(change(12));  // 11 has not arrived (yet): another server may still publish it
        const afterPush = [feed.confirmed, JSON.stringify(delivered), polls.length];
        await until(() => polls.length === 1);  // the settle poll, settleMs after the last push
        const asked = polls[0].cursor;
        polls[0].resolve({cursor: 12, changes: [change(11), change(12)], more: false});
        await until(() => feed.confirmed === 12);
        await new Promise((r) => setTimeout(r, 120));  // confirmed: no further settle poll
        feed.stop();
        return [afterPush, asked, feed.confirmed, delivered, polls.length];
        """
    )
    after_push, asked, confirmed, delivered, polls = result
    assert after_push == [10, "[[[12],null]]", 0]
    assert asked == 10  # from the confirmed cursor, not from the pushed seq
    assert confirmed == 12
    assert delivered == [[[12], None], [[11, 12], 12]]
    assert polls == 1


def test_sync_holds_pushes_during_catch_up_and_releases_them_in_seq_order(modules):
    result = modules(
        SYNC_HARNESS
        + """
        const done = feed.connected();  // (re)connected: catch up first
        await tick();
        feed.push(change(15));
        feed.push(change(13));
        feed.push(change(14));
        const heldBack = delivered.length;
        polls[0].resolve({cursor: 12, changes: [change(11), change(12)], more: false});
        const ok = await done;
        const result = [ok, heldBack, polls[0].cursor, delivered, feed.confirmed, statuses];
        feed.stop();
        return result;
        """
    )
    ok, held_back, asked, delivered, confirmed, statuses = result
    assert ok is True
    assert held_back == 0
    assert asked == 10
    assert delivered == [[[11, 12], 12], [[13, 14, 15], None]]
    assert confirmed == 12  # the released pushes still wait for a poll to confirm them
    assert statuses == [["online", None]]


def test_sync_ref_pushes_are_polled_for_and_401_signs_out(modules):
    result = modules(
        SYNC_HARNESS
        + """
        feed.push({type: 'ref', seq: 11});  // too large to push: the poll has it
        await tick();
        const refPolled = polls.length;
        const err = Object.assign(new Error('unauthorized'), {status: 401});
        polls[0].reject(err);
        await until(() => statuses.length > 0);
        feed.push(change(12));  // stopped: ignored
        await new Promise((r) => setTimeout(r, 80));
        return [refPolled, statuses, delivered.length, polls.length];
        """
    )
    assert result == [1, [["offline", "unauthorized"]], 0, 1]


def test_sync_a_failed_poll_reports_reconnecting_then_online_again(modules):
    result = modules(
        SYNC_HARNESS
        + """
        feed.connected();
        await tick();
        polls[0].reject(Object.assign(new Error('down'), {status: 503}));
        await until(() => statuses.length === 1);
        await until(() => polls.length === 2);  // retried with backoff
        polls[1].resolve({cursor: 10, changes: [], more: false});
        await until(() => statuses.length === 2);
        feed.stop();
        return statuses;
        """
    )
    assert result == [["reconnecting", None], ["online", None]]


def test_timers_come_from_config_with_defaults(modules):
    result = modules(
        """
        return [m.timers.timersFrom({sync: {settle_ms: 200, safety_poll_ms: 0}}), m.timers.timersFrom({})];
        """
    )
    given, defaults = result
    assert given["settle_ms"] == 200 and given["safety_poll_ms"] == 60000
    assert defaults == {
        "settle_ms": 1500,
        "safety_poll_ms": 60000,
        "typing_repeat_ms": 3000,
        "typing_idle_ms": 4000,
        "typing_expires_ms": 6000,
    }


def test_pusher_pair_channels_come_from_the_server_template(modules):
    result = modules(
        """
        const tpl = 'presence-addchat.chat.{low}.{high}';
        return [m.pusher.pairChannelName(tpl, 7, 3), m.pusher.pairChannelName(tpl, 3, 7),
                m.pusher.pairChannelName('x-{high}-{low}', 12, 9), m.pusher.pairChannelName(undefined, 1, 2)];
        """
    )
    assert result == ["presence-addchat.chat.3.7", "presence-addchat.chat.3.7", "x-12-9", None]
