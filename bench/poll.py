"""Benchmark the poll endpoint against the server's trivial endpoint, on SQLite and PostgreSQL.

    python -m bench.poll            # full run, about 5 minutes
    python -m bench.poll --quick    # short runs, about 1.5 minutes

Each backend gets a fresh database with 1,000 users and their messages (bench/seed.py). The
app runs under gunicorn, 2 workers (2 cores): gevent workers, then a gthread baseline. wrk
keeps one connection per simulated user (100, then 1,000) and sends each request as the
next user, with that user's session cookie and cursor; the trivial endpoint
(/addchat/health) gets the same connections and cookies, so the ratio is what the poll costs
beyond the stack itself. These closed-loop runs find the ceiling; a paced run then has 1,000
users poll about every 3 s, as widgets do, and shows the latency they would see. Last, on
PostgreSQL, bench/stall.py shows whether a poll waiting in the database stalls its
green-thread process. Figures go to stdout and bench/results/ (not committed).
"""

import argparse
import json
import os
import secrets
import time
from dataclasses import asdict

from bench.databases import sqlite_database, throwaway_postgres
from bench.load import HEALTH, RESULTS, Figures, require_wrk, server, write_targets, wrk
from bench.seed import bench_app, poll_targets, seed
from bench.stall import run_stall

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
USERS = (100, 1000)
# Green-thread set-ups for the stall check: (server, environment, gunicorn --preload).
STALL_SETUPS = [
    ("gevent", {}, False),
    ("gevent", {}, True),
    ("gevent", {"PSYCOPG_WAIT_FUNC": "wait_select"}, True),
    ("eventlet", {}, False),
    ("eventlet", {"PSYCOPG_WAIT_FUNC": "wait_select"}, False),
]
# A widget's poll interval (ADDCHAT_POLL_INTERVAL_MS) for the paced run.
PACE_MS = 3000


def measure(running, targets_file, users, seconds, slices, pace_ms=0):
    """Alternate health and poll runs, so outside load hits both alike; combine each side."""
    health, poll = [], []
    for _ in range(slices):
        health.append(wrk(running, targets_file, users, seconds // slices, path=HEALTH, pace_ms=pace_ms))
        poll.append(wrk(running, targets_file, users, seconds // slices, pace_ms=pace_ms))
    return combine(health), combine(poll)


def combine(runs):
    """Merge runs of one endpoint: total throughput, mean percentiles, worst maximum."""
    requests = sum(run.requests for run in runs)
    seconds = sum(run.requests / run.rps for run in runs if run.rps)
    return Figures(
        requests=requests,
        rps=requests / seconds if seconds else 0.0,
        p50=sum(run.p50 for run in runs) / len(runs),
        p99=sum(run.p99 for run in runs) / len(runs),
        max=max(run.max for run in runs),
        errors=sum(run.errors for run in runs),
        cpu_us=sum(run.cpu_us * run.requests for run in runs) / requests if requests else 0.0,
        load=max(run.load for run in runs),
    )


def load_backend(backend, database_url, secret_key, kinds, seconds, slices, paced_seconds, rows):
    """Seed one database, then measure health and poll for every server kind and user count."""
    started = time.monotonic()
    app = bench_app(database_url, secret_key)
    user_ids = seed(app, max(USERS))
    targets = poll_targets(app, user_ids)
    print(f"{backend}: seeded {len(user_ids)} users in {time.monotonic() - started:.1f} s", flush=True)
    files = {n: write_targets(targets[:n], f"{backend}-{n}") for n in USERS}
    for kind in kinds:
        with server(kind, database_url, secret_key, log_name=f"{backend}-{kind}") as running:
            wrk(running, files[min(USERS)], min(USERS), 2)  # warm up: connections, pool, caches
            for users in USERS:
                health, poll = measure(running, files[users], users, seconds, slices)
                scenario = f"{backend:<8} {kind:<7} {users:>5} users"
                rows.append({"scenario": scenario, "health": asdict(health), "poll": asdict(poll)})
                print_row(rows[-1])
            if kind == kinds[0]:
                # Real widgets: every user polls about every 3 s, not as fast as it can.
                users = max(USERS)
                health, poll = measure(running, files[users], users, paced_seconds, 1, pace_ms=PACE_MS)
                scenario = f"{backend:<8} {kind:<7} {users:>5} every 3s"
                rows.append({"scenario": scenario, "health": asdict(health), "poll": asdict(poll)})
                print_row(rows[-1])
    return targets, files


def print_header():
    """Print the column titles of the figures table."""
    print(
        f"{'scenario':<28} {'endpoint':<8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'cpu us/req':>10} {'load':>5}  poll/health"
    )


def print_row(row):
    """Print the health line and the poll line of one scenario, with the poll's ratios."""
    health, poll = row["health"], row["poll"]
    for name, figures in (("health", health), ("poll", poll)):
        ratio = ""
        if name == "poll" and health["rps"] and health["cpu_us"] and health["p50"] and health["p99"]:
            ratio = (
                f"req/s x{poll['rps'] / health['rps']:.2f}  p50 x{poll['p50'] / health['p50']:.1f}  "
                f"p99 x{poll['p99'] / health['p99']:.1f}  cpu x{poll['cpu_us'] / health['cpu_us']:.1f}"
            )
        print(
            f"{row['scenario']:<28} {name:<8} {figures['rps']:>7.0f} {figures['p50']:>7.1f} "
            f"{figures['p99']:>7.1f} {figures['errors']:>6} {figures['cpu_us']:>10.0f} "
            f"{figures['load']:>5.1f}  {ratio}".rstrip(),
            flush=True,
        )


def print_stall(results):
    """Print the green-thread table: health while polls wait on a lock in the database."""
    print(f"\nHealth while {len(results[0].poll_seconds)} polls wait on a table lock (same process):")
    print(f"{'server and driver set-up':<84} {'answered':>8} {'req/s':>7} {'p99 ms':>8} {'polls s':>8}")
    for result in results:
        health = result.health
        p99 = f"{health.p99:.1f}" if health.requests else "-"
        polls = f"{max(result.poll_seconds):.1f}" if result.poll_seconds else "-"
        print(f"{result.label:<84} {health.requests:>8} {health.rps:>7.0f} {p99:>8} {polls:>8}")


def main():
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 s closed-loop and 8 s paced runs, no gthread baseline"
    )
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("ADDCHAT_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="server where a throwaway database is created and dropped",
    )
    args = parser.parse_args()
    require_wrk()
    # Closed-loop seconds per endpoint (in alternating slices), then the paced run's seconds.
    seconds, slices, paced_seconds = (3, 1, 8) if args.quick else (8, 2, 15)
    kinds = ["gevent"] if args.quick else ["gevent", "gthread"]
    secret_key = secrets.token_hex(16)
    rows, stalls = [], []
    print_header()
    for backend in args.backends.split(","):
        url, drop = throwaway_postgres(args.postgres_url) if backend == "postgres" else sqlite_database()
        try:
            targets, files = load_backend(
                backend, url, secret_key, kinds, seconds, slices, paced_seconds, rows
            )
            if backend == "postgres":
                for kind, env, preload in STALL_SETUPS:
                    stall = run_stall(kind, url, secret_key, targets, files[min(USERS)], env, preload)
                    stalls.append(stall)
        finally:
            drop()
    print("\nAll figures (poll/health ratios as above):")
    print_header()
    for row in rows:
        print_row(row)
    if stalls:
        print_stall(stalls)
    out = RESULTS / "poll.json"
    command = " ".join(["python -m bench.poll", *(["--quick"] if args.quick else [])])
    if args.backends != "sqlite,postgres":
        command += f" --backends {args.backends}"
    out.write_text(
        json.dumps({"command": command, "rows": rows, "stalls": [asdict(s) for s in stalls]}, indent=2)
    )
    print(f"\nSaved {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
