"""Benchmark the socketio mode against a reference Node.js socket.io server, same machine, same run.

    .venv/bin/python bench/push.py [--levels 1000,5000] [--servers eventlet,gevent,node,pusher]

For each server: N idle clients connect over WebSocket (socket.io-client in one Node process,
the same client for every server), then we measure
  - send-to-receive latency p50/p99 of one-to-one messages, one at a time (HTTP POST -> push);
  - messages delivered per second while every sender posts in a loop (and latency under load);
  - server memory per idle connection: (RSS with N connected - RSS before any) / N.
AddChat does real work per message (session, CSRF, SQLite commit of the message and two feed
changes, then the emit); the reference only emits. Figures are printed beside the Node ones as
ratios (ours / node: latency and memory lower is better, throughput higher is better).
Each server runs in its own process, started and stopped here; the run is bounded by --seconds.
`bare` is the same reference workload on a bare Flask-SocketIO app under gevent, served as serve.py
serves AddChat (bench/bare_socketio.py): the floor of the Python stack, so the report can tell
AddChat's own cost per connection from the library's.
`pusher` is AddChat in pusher mode with the built-in Pusher-protocol server and pusher-js clients
(bench/push_pusher.py); its memory is the Pusher server's, where the connections live.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addchat import create_app  # noqa: E402
from addchat.extensions import db  # noqa: E402
from addchat.models import ChatBase, User  # noqa: E402
from bench import push_pusher  # noqa: E402  (the pusher workload)
from testkit import api_credentials, free_port, signed_in_key, throwaway_database  # noqa: E402

SECRET = "bench-secret"
# Servers that run the reference workload (no AddChat): Node's socket.io, and bare Flask-SocketIO.
REFERENCES = ("node", "bare")


def rss_kib(pid):
    """Read a process's resident memory in KiB from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def make_users(database_url, count, senders):
    """Create `count` users and return [{id, cookie, token?}] signed with the bench secret."""
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        rows = [{"name": f"User {i}", "email": f"u{i}@bench", "password_hash": "-"} for i in range(count)]
        db.session.execute(insert(User), rows)
        db.session.commit()
        ids = [row.id for row in db.session.query(User.id).order_by(User.id)]
        db.session.remove()
    serializer = app.session_interface.get_signing_serializer(app)
    users = [
        {"id": uid, "cookie": serializer.dumps({"_user_id": signed_in_key(app, uid), "_fresh": True})}
        for uid in ids
    ]
    # Outside that app context: each request gets its own `g`, so its own CSRF token.
    for user in users[:senders]:
        user["cookie"], user["token"] = api_credentials(app, user["id"])
    with app.app_context():
        db.engine.dispose()
    return users


def start_server(kind, port, database_url, log):
    """Start one server process: ours under an async mode, or the Node reference."""
    if kind == "pusher":
        process = push_pusher.PusherStack(port, database_url, SECRET, log)
        cmd = None
    elif kind == "node":
        cmd = ["node", str(ROOT / "bench" / "reference_server.mjs"), str(port)]
        env = dict(os.environ)
    elif kind == "bare":
        cmd = [sys.executable, str(ROOT / "bench" / "bare_socketio.py"), str(port)]
        env = {k: v for k, v in os.environ.items() if k != "SOCKETIO_ASYNC_MODE"}
    else:
        cmd = [sys.executable, str(ROOT / "serve.py"), "--port", str(port)]
        env = {
            **os.environ,
            "SOCKETIO_ASYNC_MODE": kind,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "ADDCHAT_NOTIFICATION_TYPE": "socketio",
            "ADDCHAT_SEND_RATE_LIMIT": "1000000/minute",
            "ADDCHAT_POLL_RATE_LIMIT": "1000000/minute",
            "ADDCHAT_MAX_CONNECTIONS": "20000",  # the idle sockets must leave room for the senders
        }
        env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    if cmd is not None:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a loaded shared machine starts Python slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{kind} server exited; see {log.name}")
        try:
            if requests.get(url + ("/" if kind in REFERENCES else "/login"), timeout=1).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{kind} server did not start")


def run_server(kind, args, users, database_url, workdir):
    """Measure one server at every level; return {level: figures}."""
    port = free_port()
    log = open(workdir / f"server-{kind}.log", "wb")  # noqa: SIM115
    process, url = start_server(kind, port, database_url, log)
    results = {}
    try:
        base_rss = rss_kib(process.pid)
        results["base_rss_mib"] = base_rss / 1024
        plan = {
            "kind": "reference" if kind in REFERENCES else {"pusher": "pusher"}.get(kind, "addchat"),
            **getattr(process, "plan_extra", {}),
            "url": url,
            "levels": args.levels,
            "users": users,
            "senders": users[: args.senders],
            "messages": args.messages,
            "seconds": args.seconds,
            "offer_deflate": not args.no_deflate,
            # bare has none of AddChat's close handling (room index, trim): only its idle cost is measured.
            "close_cycles": 0 if kind == "bare" else args.close_cycles,
        }
        plan_path = workdir / f"plan-{kind}.json"
        plan_path.write_text(json.dumps(plan))
        client = subprocess.Popen(
            ["node", str(ROOT / "bench" / "push_client.mjs"), str(plan_path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in client.stdout:
            event = json.loads(line)
            if event["event"] == "connected":
                time.sleep(1)  # let the server settle before reading its memory
                rss = rss_kib(process.pid)
                results[event["n"]] = {
                    "connect_s": event["connect_s"],
                    "kib_per_conn": (rss - base_rss) / event["n"],
                    "rss_mib": rss / 1024,
                }
                print(
                    f"  {kind}: {event['n']} connected in {event['connect_s']:.1f}s, RSS {rss / 1024:.0f} MiB",
                    flush=True,
                )
                client.stdin.write("go\n")
                client.stdin.flush()
            elif event["event"] == "result":
                results[event["n"]].update(event)
            elif event["event"] in ("closed", "reopened"):
                # Closed: give the server time to collect and trim (serve.py looks every 5 s, the
                # Pusher server every 7.5 s); reopened: the same count connected again.
                if event["event"] == "closed":  # the lowest RSS within the settle time
                    rss = min(rss_kib(process.pid) for _ in range(int(args.settle)) if not time.sleep(1))
                else:
                    time.sleep(1)
                    rss = rss_kib(process.pid)
                cycles = results.setdefault("cycles", [])
                cycles.append({"cycle": event["cycle"], "event": event["event"], "rss_mib": rss / 1024})
                print(
                    f"  {kind}: cycle {event['cycle']} {event['event']}, RSS {rss / 1024:.0f} MiB", flush=True
                )
                client.stdin.write("go\n")
                client.stdin.flush()
            elif event["event"] == "error":
                raise RuntimeError(f"{kind}: {event['message']}")
            elif event["event"] == "done":
                break
        client.stdin.close()
        client.wait(timeout=30)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    return results


def fmt(value, digits=1):
    """Format a figure, or a dash when missing."""
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(ours, node):
    """Return ours/node as text, or a dash."""
    if ours is None or not node:
        return "-"
    return f"{ours / node:.2f}x"


def report(all_results, levels):
    """Print every server's figures, and ours beside Node's as ratios."""
    metrics = [
        ("latency p50 (ms)", "latency_p50_ms"),
        ("latency p99 (ms)", "latency_p99_ms"),
        ("HTTP POST p50 (ms)", "post_p50_ms"),
        ("delivered msgs/s", "delivered_per_s"),
        ("p50 under load (ms)", "loaded_p50_ms"),
        ("p99 under load (ms)", "loaded_p99_ms"),
        ("memory KiB/idle conn", "kib_per_conn"),
        ("connect time (s)", "connect_s"),
    ]
    kinds = list(all_results)
    for n in levels:
        print(f"\n== {n} idle connected clients ==")
        header = f"{'metric':<22}" + "".join(f"{k:>12}" for k in kinds)
        ours = [k for k in kinds if k != "node"]
        if "node" in kinds:
            header += "".join(f"{k + '/node':>16}" for k in ours)
        print(header)
        for label, key in metrics:
            row = f"{label:<22}" + "".join(f"{fmt(all_results[k].get(n, {}).get(key)):>12}" for k in kinds)
            if "node" in kinds:
                node = all_results["node"].get(n, {}).get(key)
                row += "".join(f"{ratio(all_results[k].get(n, {}).get(key), node):>16}" for k in ours)
            print(row)
        lost = {k: all_results[k].get(n, {}).get("lost") for k in kinds}
        print(f"{'lost in latency phase':<22}" + "".join(f"{str(lost[k]):>12}" for k in kinds))
    for k in kinds:
        cycles = all_results[k].get("cycles")
        if cycles:
            steps = " -> ".join(f"{c['event']} {c['rss_mib']:.0f}" for c in cycles)
            print(f"{k} RSS MiB: start {all_results[k]['base_rss_mib']:.0f} -> {steps}")


def main():
    """Parse arguments, run every server, print the table."""
    parser = argparse.ArgumentParser(description="Socket.IO push benchmark beside a Node reference")
    parser.add_argument("--levels", default="1000,5000", help="idle connection counts, ascending")
    parser.add_argument("--servers", default="gevent,eventlet,pusher,node")
    parser.add_argument("--messages", type=int, default=100, help="messages in the latency phase")
    parser.add_argument("--seconds", type=float, default=5, help="length of the throughput phase")
    parser.add_argument("--senders", type=int, default=16, help="concurrent senders in the throughput phase")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL/MariaDB server URL to bench on (a throwaway database is made there); default SQLite",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--no-deflate", action="store_true", help="clients offer no permessage-deflate (browsers always do)"
    )
    parser.add_argument(
        "--close-cycles", type=int, default=0, help="then close and reopen every connection this many times"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=20,
        help="seconds after closing to watch memory fall (the lowest is kept)",
    )
    args = parser.parse_args()
    args.levels = sorted(int(n) for n in args.levels.split(","))
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="addchat-bench-") as tmp:
        workdir = Path(tmp)
        drop = None
        if args.database_url:
            database_url, drop = throwaway_database(args.database_url, prefix="addchat_bench")
        else:
            database_url = f"sqlite:///{workdir / 'bench.db'}"
        try:
            users = make_users(database_url, max(args.levels), args.senders)
            if "pusher" in servers:
                push_pusher.sign_in_everyone(database_url, SECRET, users)
            backend = database_url.split(":", 1)[0]
            print(
                f"{len(users)} users on {backend}; {os.cpu_count()} cores; servers: {', '.join(servers)}",
                flush=True,
            )
            all_results = {}
            for kind in servers:
                all_results[kind] = run_server(kind, args, users, database_url, workdir)
        finally:
            if drop:
                drop()
    report(all_results, args.levels)
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (a shared machine skews every figure)"
    )
    print(f"\n(total run {time.monotonic() - started:.0f}s; client and servers share this machine's cores)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        saved = {"servers": all_results, "command": " ".join(["bench/push.py", *sys.argv[1:]]), "load": load}
        Path(args.json).write_text(json.dumps(saved, indent=2))


if __name__ == "__main__":
    main()
