"""Soak: N simulated users chatting for T minutes in each transport, and across a live switch.

    python -m bench.soak                 # 1,000 users x 10 minutes per scenario (the issue's run)
    python -m bench.soak --quick         # 100 users x 30 s per scenario (what `make bench` runs with BENCH_QUICK=1)
    python -m bench.soak --scenarios socketio --users 500 --minutes 2

Each scenario starts serve.py (gevent, the default) and, for pusher, the built-in Pusher server, on a
fresh SQLite database. Every user is one asyncio task in this process that keeps the widget's rules:
internal polls every 3 s; socketio and pusher hold a WebSocket (raw Engine.IO/Socket.IO v4 and Pusher
protocol 7 frames, offering permessage-deflate as Chromium does), catch up through the poll after
every (re)connect, apply each seq once, and confirm with a poll every 30 s; a `config` change switches
the user's transport live, from its cursor. Every user sends a message to a random other user about
every `--interval` seconds (client_id, retried until acknowledged).

Counted at the end, after a last catch-up poll of every user: messages acknowledged, received exactly
once (applied once by their recipient), lost (acknowledged, never applied), duplicated (the same
message under two seqs), and how many only the poll brought in push modes. Memory: the server
processes' RSS every 5 s (flat = the last third within a few MiB of the first third). Latency: send
to first apply, p50/p99 per 10-s window. Figures go to stdout and bench/results/soak.json.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import requests
from tqdm import tqdm

from addchat import create_app
from addchat.extensions import db
from addchat.models import Setting
from addchat.services.settings import update_settings
from bench import push_pusher
from bench.push import SECRET, make_users, rss_kib, start_server
from testkit import free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POLL_S = 3.0  # internal mode, as ADDCHAT_POLL_INTERVAL_MS
CONFIRM_S = 30.0  # push modes: a confirming poll this often
DEFLATE = {"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"}


class Ledger:
    """What every user sent and applied; the counts the run is judged by."""

    def __init__(self):
        self.t0 = {}  # message key -> when its first POST went out
        self.sent = {}  # acknowledged message key -> recipient
        self.applied = {}  # message key -> times applied by its recipient
        self.seqs_of = {}  # message key -> set of seqs it arrived under
        self.latency = []  # (seconds since start, ms)
        self.by_poll_only = 0
        self.failures = Counter()  # send attempts not acknowledged: status or error -> count
        self.start = time.monotonic()

    def arrived(self, user, change, via):
        """Apply one change for one user (seq already deduped)."""
        if change["type"] != "message":
            return
        body = change["data"]["body"]
        if body not in self.t0 or change["data"]["to_id"] != user.id:
            return  # the sender's own copy, or a message from before the run
        self.seqs_of.setdefault(body, set()).add(change["seq"])
        self.applied[body] = self.applied.get(body, 0) + 1
        if self.applied[body] == 1:
            now = time.monotonic()
            self.latency.append((now - self.start, (now - self.t0[body]) * 1000))
            if via == "final":
                self.by_poll_only += 1


class User:
    """One simulated widget."""

    def __init__(self, record, scenario):
        self.id = record["id"]
        self.cookie, self.token = record["cookie"], record["token"]
        self.cursor, self.seqs = 0, set()
        self.mode = scenario.initial_mode
        self.reconnects = 0
        self.requests = 0  # HTTP requests other than sends: polls and channel auths


class Scenario:
    """One run: its servers, its users, its clock."""

    def __init__(self, name, args, users, workdir):
        self.name, self.args, self.workdir = name, args, workdir
        self.initial_mode = "internal" if name == "switch" else name
        self.database_url = f"sqlite:///{workdir / f'soak-{name}.db'}"
        self.records = users
        self.ledger = Ledger()
        self.stop = asyncio.Event()
        self.rss = []  # (seconds, MiB) summed over the server processes


async def poll(session, base, user, ledger, via):
    """Catch up from the user's cursor; apply new seqs; follow a config change."""
    while True:
        user.requests += 1
        async with session.get(
            f"{base}/addchat/api/poll", params={"cursor": user.cursor}, headers=headers(user)
        ) as response:
            if response.status != 200:
                await asyncio.sleep(1)
                continue
            page = await response.json()
        apply(user, page["changes"], ledger, via)
        user.cursor = max(user.cursor, page["cursor"])
        if not page["more"]:
            return


def apply(user, changes, ledger, via):
    """Apply each seq once (the widget's store)."""
    for change in changes:
        if change["seq"] in user.seqs:
            continue
        user.seqs.add(change["seq"])
        ledger.arrived(user, change, via)
        if change["type"] == "config":
            user.mode = change["data"]["notification_type"]


def headers(user, write=False):
    """The widget's request headers."""
    found = {"Cookie": f"session={user.cookie}", "Accept": "application/json"}
    if write:
        found["X-CSRFToken"] = user.token
    return found


async def run_internal(session, sc, user):
    """Poll every 3 s until the transport changes or the run ends."""
    while not sc.stop.is_set() and user.mode == "internal":
        await poll(session, sc.base, user, sc.ledger, "poll")
        try:
            await asyncio.wait_for(sc.stop.wait(), POLL_S * random.uniform(0.8, 1.2))
        except TimeoutError:
            pass


async def run_socketio(session, sc, user):
    """Hold a Socket.IO WebSocket: connect, catch up, apply pushes; confirm every 30 s."""
    url = sc.base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    async with session.ws_connect(url, headers={**headers(user), **DEFLATE}, autoping=False) as ws:
        await ws.receive()  # Engine.IO open
        await ws.send_str("40")
        pending = []
        confirm_at = time.monotonic() + CONFIRM_S
        caught_up = False
        while not sc.stop.is_set() and user.mode == "socketio":
            if not caught_up:
                await poll(session, sc.base, user, sc.ledger, "poll")
                apply(user, pending, sc.ledger, "push")
                caught_up = True
            try:
                message = await ws.receive(timeout=1)
            except TimeoutError:
                message = None
            if message is not None:
                if message.type != aiohttp.WSMsgType.TEXT:
                    raise ConnectionError("socket closed")
                if message.data == "2":
                    await ws.send_str("3")
                elif message.data.startswith('42["change"'):
                    apply(user, [json.loads(message.data[2:])[1]], sc.ledger, "push")
            if time.monotonic() > confirm_at:
                await poll(session, sc.base, user, sc.ledger, "poll")
                confirm_at = time.monotonic() + CONFIRM_S


async def run_pusher(session, sc, user):
    """Hold a Pusher WebSocket on the user's feed channel: authorise, subscribe, catch up, apply."""
    channel = f"private-addchat.user.{user.id}"
    async with session.ws_connect(sc.pusher_ws, headers=DEFLATE, autoping=True) as ws:
        hello = json.loads((await ws.receive()).data)
        socket_id = json.loads(hello["data"])["socket_id"]
        user.requests += 1
        async with session.post(
            f"{sc.base}/addchat/pusher/auth",
            data={"socket_id": socket_id, "channel_name": channel},
            headers=headers(user, write=True),
        ) as response:
            auth = await response.json()
        await ws.send_str(json.dumps({"event": "pusher:subscribe", "data": {"channel": channel, **auth}}))
        await poll(session, sc.base, user, sc.ledger, "poll")
        confirm_at = time.monotonic() + CONFIRM_S
        while not sc.stop.is_set() and user.mode == "pusher":
            try:
                message = await ws.receive(timeout=1)
            except TimeoutError:
                message = None
            if message is not None:
                if message.type != aiohttp.WSMsgType.TEXT:
                    raise ConnectionError("socket closed")
                event = json.loads(message.data)
                if event.get("event") == "pusher:ping":
                    await ws.send_str(json.dumps({"event": "pusher:pong", "data": {}}))
                elif event.get("event") == "change" and event.get("channel") == channel:
                    change = json.loads(event["data"])
                    if "data" in change:
                        apply(user, [change], sc.ledger, "push")
            if time.monotonic() > confirm_at:
                await poll(session, sc.base, user, sc.ledger, "poll")
                confirm_at = time.monotonic() + CONFIRM_S


async def receive_loop(session, sc, user):
    """Run the user's live transport; on a switch or a dropped socket, start again from the cursor."""
    runners = {"internal": run_internal, "socketio": run_socketio, "pusher": run_pusher}
    await poll(session, sc.base, user, sc.ledger, "poll")
    while not sc.stop.is_set():
        try:
            await runners[user.mode](session, sc, user)
        except (aiohttp.ClientError, ConnectionError, TimeoutError, ValueError, KeyError):
            user.reconnects += 1
            await asyncio.sleep(random.uniform(0.5, 1.5))


async def send_loop(session, sc, user, others):
    """Send a message every `interval` seconds on average, each retried under one client_id."""
    await asyncio.sleep(random.uniform(0, sc.args.interval))
    while not sc.stop.is_set():
        to = random.choice(others)
        body = f"soak-{uuid.uuid4().hex[:12]}"
        payload = {"body": body, "client_id": uuid.uuid4().hex}
        sc.ledger.t0[body] = time.monotonic()
        for _ in range(20):
            try:
                async with session.post(
                    f"{sc.base}/addchat/api/conversations/{to}/messages",
                    json=payload,
                    headers=headers(user, write=True),
                ) as response:
                    if response.status in (200, 201):
                        sc.ledger.sent[body] = to  # only acknowledged sends are counted
                        break
                    sc.ledger.failures[str(response.status)] += 1
            except (aiohttp.ClientError, TimeoutError) as error:
                sc.ledger.failures[type(error).__name__] += 1
            await asyncio.sleep(1)
        await asyncio.sleep(random.expovariate(1 / sc.args.interval))


async def sample_memory(sc, pids):
    """Sum the servers' RSS every 5 s."""
    while not sc.stop.is_set():
        total = sum(rss_kib(pid) for pid in pids) / 1024
        sc.rss.append((time.monotonic() - sc.ledger.start, total))
        try:
            await asyncio.wait_for(sc.stop.wait(), 5)
        except TimeoutError:
            pass


def store_mode(database_url, mode):
    """Store the scenario's notification_type before the servers start (no feed change)."""
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.session.merge(Setting(key="notification_type", value=mode))
        db.session.commit()
        db.engine.dispose()


def switch_to(sc, mode):
    """Switch notification_type live, as the admin page does (a config change in the feed)."""
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": sc.database_url})
    with app.app_context():
        update_settings(db.session, {"notification_type": mode}, app.config, lambda name: None)
        db.engine.dispose()


async def drive(sc, pids):
    """Run every user for the scenario's length, then stop and take a last catch-up poll."""
    users = [User(r, sc) for r in sc.records]
    ids = [u.id for u in users]
    seconds = sc.args.minutes * 60
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        tasks = [asyncio.create_task(sample_memory(sc, pids))]
        senders = []
        for user in users:
            others = [i for i in ids if i != user.id]
            tasks.append(asyncio.create_task(receive_loop(session, sc, user)))
            senders.append(asyncio.create_task(send_loop(session, sc, user, others)))
        switches = ["socketio", "pusher"] if sc.name == "switch" else []
        with tqdm(total=int(seconds), desc=f"soak {sc.name}", unit="s", leave=False) as bar:
            for second in range(int(seconds)):
                await asyncio.sleep(1)
                bar.update(1)
                if switches and second + 1 >= seconds * (3 - len(switches)) / 3:
                    await asyncio.to_thread(switch_to, sc, switches.pop(0))
        for task in senders:  # stop sending; a POST cut short is not counted (never acknowledged)
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
        await asyncio.sleep(POLL_S + 2)  # the last sends still arrive the normal way
        sc.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for user in users:
            await poll(session, sc.base, user, sc.ledger, "final")
    return users


def summarise(sc, users):
    """Turn the ledger into the scenario's figures."""
    ledger = sc.ledger
    sent = len(ledger.sent)
    once = sum(1 for k in ledger.sent if ledger.applied.get(k) == 1)
    windows = {}
    for at, ms in ledger.latency:
        windows.setdefault(int(at // 10) * 10, []).append(ms)
    over_time = [
        {"t": t, "n": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99)}
        for t, v in sorted(windows.items())
    ]
    third = max(1, len(sc.rss) // 3)
    first = statistics.mean(m for _, m in sc.rss[:third]) if sc.rss else 0
    last = statistics.mean(m for _, m in sc.rss[-third:]) if sc.rss else 0
    all_ms = [ms for _, ms in ledger.latency]
    return {
        "scenario": sc.name,
        "users": len(users),
        "seconds": sc.args.minutes * 60,
        "sent": sent,
        "received_once": once,
        "lost": sum(1 for k in ledger.sent if ledger.applied.get(k, 0) == 0),
        "applied_twice": sum(1 for k in ledger.sent if ledger.applied.get(k, 0) > 1),
        "duplicated_in_feed": sum(1 for seqs in ledger.seqs_of.values() if len(seqs) > 1),
        "only_by_final_poll": ledger.by_poll_only,
        "send_failures": dict(ledger.failures),
        "reconnects": sum(u.reconnects for u in users),
        # Requests a widget makes besides its sends, per minute for 1,000 users (the seeds' comparison).
        "requests_per_min_per_1000_users": sum(u.requests for u in users)
        / (sc.args.minutes + (POLL_S + 2) / 60)
        * 1000
        / len(users),
        "p50_ms": percentile(all_ms, 50),
        "p99_ms": percentile(all_ms, 99),
        "latency_over_time": over_time,
        "rss_mib": sc.rss,
        "rss_first_third_mib": first,
        "rss_last_third_mib": last,
        "load": os.getloadavg(),
    }


def percentile(values, p):
    """The p-th percentile of a list, or None."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def run_scenario(name, args, users, workdir):
    """Start the servers of one scenario, drive it, stop them, return its figures."""
    sc = Scenario(name, args, users, workdir)
    # A copy of the seed: the same users and their sign-ins (rows the session cookies name).
    shutil.copyfile(workdir / "seed.db", workdir / f"soak-{name}.db")
    store_mode(sc.database_url, sc.initial_mode)
    log = open(workdir / f"soak-{name}.log", "wb")  # noqa: SIM115
    os.environ["ADDCHAT_NOTIFICATION_TYPE"] = sc.initial_mode
    os.environ["ADDCHAT_POLL_RATE_LIMIT"] = os.environ["ADDCHAT_SEND_RATE_LIMIT"] = "1000000/minute"
    os.environ["ADDCHAT_AUTH_RATE_LIMIT"] = "1000000/minute"
    stack = None
    if name in ("pusher", "switch"):
        stack = push_pusher.PusherStack(free_port(), sc.database_url, SECRET, log, sc.initial_mode)
        process, sc.base = wait_for_stack(stack)
        pids = [stack.web.pid, stack.pusher.pid]
        sc.pusher_ws = f"ws://127.0.0.1:{stack.pusher_port}/app/{push_pusher.APP['key']}?protocol=7"
    else:
        process, sc.base = start_server("gevent", free_port(), sc.database_url, log)
        pids = [process.pid]
    try:
        users_out = asyncio.run(drive(sc, pids))
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    return summarise(sc, users_out)


def wait_for_stack(stack):
    """Wait until the pusher stack's web process answers."""
    url = f"http://127.0.0.1:{stack.web_port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/addchat/healthz", timeout=1).ok:
                return stack, url
        except requests.RequestException:
            time.sleep(0.3)
    stack.kill()
    raise RuntimeError("pusher stack did not start")


def report(results):
    """Print one line per scenario."""
    print(
        f"\n{'scenario':<10}{'users':>7}{'secs':>6}{'sent':>8}{'once':>8}{'lost':>6}{'twice':>7}"
        f"{'dup':>5}{'by poll':>9}{'p50 ms':>9}{'p99 ms':>9}{'RSS MiB first→last third':>28}"
    )
    for r in results:
        print(
            f"{r['scenario']:<10}{r['users']:>7}{r['seconds']:>6.0f}{r['sent']:>8}{r['received_once']:>8}"
            f"{r['lost']:>6}{r['applied_twice']:>7}{r['duplicated_in_feed']:>5}{r['only_by_final_poll']:>9}"
            f"{fmt(r['p50_ms']):>9}{fmt(r['p99_ms']):>9}"
            f"{r['rss_first_third_mib']:>15.0f} → {r['rss_last_third_mib']:.0f}"
        )


def fmt(value):
    """A figure or a dash."""
    return "-" if value is None else f"{value:.1f}"


def main(argv=None):
    """Parse arguments, run every scenario, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=float, default=60, help="mean seconds between a user's sends")
    parser.add_argument("--scenarios", default="internal,socketio,pusher,switch")
    parser.add_argument(
        "--quick", action="store_true", help="100 users, 30 s per scenario, a send every 10 s"
    )
    parser.add_argument("--json", default=str(RESULTS / "soak.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.minutes, args.interval = 100, 0.5, 10
    random.seed(15)
    results = []
    with tempfile.TemporaryDirectory(prefix="addchat-soak-") as tmp:
        workdir = Path(tmp)
        users = make_users(f"sqlite:///{workdir / 'seed.db'}", args.users, 0)
        push_pusher.sign_in_everyone(f"sqlite:///{workdir / 'seed.db'}", SECRET, users)
        for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
            print(f"soak {name}: {args.users} users for {args.minutes * 60:.0f} s", flush=True)
            results.append(run_scenario(name, args, users, workdir))
            report(results[-1:])
    report(results)
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=1))


if __name__ == "__main__":
    main()
