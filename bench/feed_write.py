"""Benchmark feed writes: sends/s through the real service at 1 to 32 writer processes.

    python -m bench.feed_write                       # PostgreSQL, MariaDB, SQLite; about 6 min
    python -m bench.feed_write --quick               # 3 s per point
    python -m bench.feed_write --backends postgres --writers 16 --seconds 5

Each backend gets a throwaway database with 1,000 users (each with a feed row, as GET /config
makes). N writer processes (processes, not threads: the GIL would cap threads) each call
`post_message` between random pairs of users for a few seconds, a request's work apart from
HTTP: load the sender, the service's statements, commit, notify, release the session. Each point
runs the modes in alternating slices (--rounds), so load from outside hits them alike. Modes:

    rows     the shipped ordering: each user's own position row (addchat/feed.py)
    global   the previous design, for comparison: one counter row for everyone
    none     the same code with positions from a per-process counter: no ordering, no lock

`none` is the ceiling; `ratio` is sends/s over that ceiling at the same writer count. While a
point runs, the main process samples the database every 50 ms: `lock wait` is the share of busy
backends (in a transaction) that wait on a lock (PostgreSQL pg_stat_activity wait_event_type
'Lock'; MariaDB information_schema.INNODB_TRX 'LOCK WAIT'). SQLite runs the shipped ordering with
SQLite's default journal (ADDCHAT_SQLITE_WAL=false) and with WAL. Last, the CPU one process spends
per request through the Flask test client: the send's POST beside GET /addchat/health.
"""

import argparse
import itertools
import multiprocessing
import os
import random
import statistics
import sys
import time
import traceback
import uuid

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from addchat import create_app, feed
from addchat.extensions import db
from addchat.models import ChatBase, User
from addchat.services.messages import post_message
from bench.load import RESULTS
from testkit import sign_in, throwaway_database

DEFAULT_URLS = {
    "postgres": os.environ.get(
        "ADDCHAT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    ),
    "mysql": os.environ.get("ADDCHAT_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}
USERS = 1000
SERVER_MODES = ("rows", "global", "none")
SQLITE_MODES = ("rows-default-journal", "rows-wal")
SAMPLE_EVERY = 0.05
BARRIER_TIMEOUT = 300


def bench_app(url, **overrides):
    """Build the app a writer process uses; its pool holds one connection per process."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 2},
            "SECRET_KEY": "feed-write-bench",
            "ADDCHAT_SEND_RATE_LIMIT": "1000000/second",
            **overrides,
        }
    )


def seed(url, **overrides):
    """Create the tables, the users and their feed rows, and the old design's counter row."""
    app = bench_app(url, **overrides)
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        db.session.execute(
            insert(User),
            [
                {"name": f"User {n}", "email": f"user{n}@bench.test", "password_hash": "x"}
                for n in range(1, USERS + 1)
            ],
        )
        db.session.commit()
        ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        feed.ensure_positions(db.session, ids)
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, last BIGINT NOT NULL)"))
            # Far above the rows' positions: the modes share the database and its unique index.
            conn.execute(text("INSERT INTO bench_counter (id, last) VALUES (1, 100000000000)"))
        db.session.remove()
        db.engine.dispose()
    return ids


def global_counter(session, user_ids):
    """The previous design: every writer bumps one row and holds its lock until commit."""
    if session.connection().dialect.name in ("mysql", "mariadb"):
        seq = session.execute(text("UPDATE bench_counter SET last = LAST_INSERT_ID(last + 1)")).lastrowid
    else:
        seq = session.execute(text("UPDATE bench_counter SET last = last + 1 RETURNING last")).scalar_one()
    return dict.fromkeys(user_ids, seq)


def no_ordering(index, writers):
    """Positions from a counter of this process alone: unique, unordered, no round trip, no lock."""
    counter = itertools.count(10**12 * (index + 1) + 10**10 * writers)

    def take(session, user_ids):
        seq = next(counter)
        return dict.fromkeys(user_ids, seq)

    return take


def writer(index, writers, slices, ids, seconds, barrier, results):
    """One writer process: for each slice (a mode), send as fast as it can between the barriers."""
    shipped = feed.take_positions
    takers = {"rows": shipped, "global": global_counter, "none": no_ordering(index, writers)}
    rng = random.Random(index)
    apps = {}
    for mode, url, overrides in slices:
        try:
            if mode not in apps:
                apps[mode] = bench_app(url, **overrides)
            feed.take_positions = takers.get(mode, shipped)
            latencies = []
            with apps[mode].app_context():

                def send():
                    sender_id, recipient_id = rng.sample(ids, 2)
                    sender = db.session.get(User, sender_id)
                    post_message(db.session, sender, recipient_id, "hello", client_id=uuid.uuid4().hex)
                    db.session.remove()

                send()  # warm up: connection, dialect, statement caches
                barrier.wait(timeout=BARRIER_TIMEOUT)
                started = time.monotonic()
                deadline = started + seconds
                while time.monotonic() < deadline:
                    began = time.perf_counter()
                    send()
                    latencies.append(time.perf_counter() - began)
                elapsed = time.monotonic() - started
                # One connection per writer at a time: 32 writers x 3 pools would pass max_connections.
                db.engine.dispose()
            results.put((mode, len(latencies), elapsed, latencies))
            barrier.wait(timeout=BARRIER_TIMEOUT)
        except Exception:
            results.put((mode, None, 0.0, traceback.format_exc()))
            barrier.abort()
            return


class LockSampler:
    """Count busy backends of the bench database and those waiting on a lock."""

    def __init__(self, url):
        self.url = make_url(url)
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        backend = self.url.get_backend_name()
        if backend == "postgresql":
            self.query = text(
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FROM pg_stat_activity "
                "WHERE datname = :db AND state IN ('active', 'idle in transaction') "
                "AND pid <> pg_backend_pid()"
            )
        elif backend in ("mysql", "mariadb"):
            self.query = text(
                "SELECT COALESCE(SUM(t.trx_state = 'LOCK WAIT'), 0), COUNT(*) "
                "FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p "
                "ON p.ID = t.trx_mysql_thread_id WHERE p.DB = :db"
            )
        else:
            self.query = None
        self.waiting = self.busy = 0

    def sample_until(self, deadline):
        """Sample until the deadline; accumulate the counts."""
        if self.query is None:
            time.sleep(max(0.0, deadline - time.monotonic()))
            return
        with self.engine.connect() as conn:
            while time.monotonic() < deadline:
                waiting, busy = conn.execute(self.query, {"db": self.url.database}).one()
                self.waiting += int(waiting)
                self.busy += int(busy)
                time.sleep(SAMPLE_EVERY)

    def close(self):
        """Release the sampler's connection."""
        self.engine.dispose()


def run_point(setups, ids, writers, seconds, sample_url, rounds):
    """Run every mode at one writer count, in alternating slices so outside load hits each alike."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers + 1)
    results = context.Queue()
    slices = list(setups) * rounds
    slice_seconds = seconds / rounds
    processes = [
        context.Process(target=writer, args=(n, writers, slices, ids, slice_seconds, barrier, results))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    totals = {
        mode: {"sends": 0, "seconds": 0.0, "latencies": [], "waiting": 0, "busy": 0} for mode, *_ in setups
    }
    print(f"  {writers} writers...", file=sys.stderr, flush=True)
    try:
        for mode, _url, _overrides in slices:
            sampler = LockSampler(sample_url) if sample_url else None
            barrier.wait(timeout=300)
            if sampler:
                sampler.sample_until(time.monotonic() + slice_seconds)
                sampler.close()
            done = [results.get(timeout=slice_seconds + 120) for _ in range(writers)]
            failed = [lat for _mode, count, _elapsed, lat in done if count is None]
            if failed:
                raise RuntimeError(f"a writer failed:\n{failed[0]}")
            barrier.wait(timeout=120)
            total = totals[mode]
            total["sends"] += sum(count for _mode, count, _elapsed, _lat in done)
            total["seconds"] += max(elapsed for _mode, _count, elapsed, _lat in done)
            total["latencies"] += itertools.chain.from_iterable(lat for *_rest, lat in done)
            if sampler:
                total["waiting"] += sampler.waiting
                total["busy"] += sampler.busy
    except Exception:
        barrier.abort()
        raise
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
    rows = []
    for mode, total in totals.items():
        latencies = sorted(total["latencies"])
        rows.append(
            {
                "writers": writers,
                "mode": mode,
                "sends_per_s": total["sends"] / total["seconds"],
                "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
                "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0,
                "lock_wait": (total["waiting"] / total["busy"] if total["busy"] else 0.0)
                if sample_url
                else None,
                "load": os.getloadavg()[0],
            }
        )
    return rows


def print_rows(backend, rows):
    """Print one backend's table, each mode's ratio to the no-ordering ceiling beside it."""
    ceiling = {row["writers"]: row["sends_per_s"] for row in rows if row["mode"] in ("none", "rows-wal")}
    for row in rows:
        share = "-" if row["lock_wait"] is None else f"{100 * row['lock_wait']:.0f}%"
        top = ceiling.get(row["writers"])
        ratio = f"x{row['sends_per_s'] / top:.2f}" if top else "-"
        print(
            f"{backend:<8} {row['writers']:>7} {row['mode']:<21} {row['sends_per_s']:>8.0f} "
            f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} {share:>9} {ratio:>6} {row['load']:>5.1f}",
            flush=True,
        )


def cpu_per_request(url, requests_each=300, **overrides):
    """Return (health, send) CPU microseconds per request in this process, through the test client."""
    app = bench_app(url, **overrides)
    with app.app_context():
        ChatBase.metadata.create_all(db.engine)
        ids = seed_pair()
    client = app.test_client()
    sign_in(client, ids[0])
    token = client.get("/addchat/api/config").get_json()["csrf_token"]
    headers = {"X-CSRFToken": token}

    def send(n):
        path = f"/addchat/api/conversations/{ids[1]}/messages"
        response = client.post(path, json={"body": "hi", "client_id": f"c{n}"}, headers=headers)
        assert response.status_code == 201, response.get_json()

    def health(n):
        assert client.get("/addchat/health").status_code == 200

    figures = []
    for action in (health, send):
        for n in range(20):
            action(-n - 1)  # warm up
        began = time.process_time()
        for n in range(requests_each):
            action(n)
        figures.append(1e6 * (time.process_time() - began) / requests_each)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return tuple(figures)


def seed_pair():
    """Create two users for the CPU measurement; return their ids."""
    people = [User(name=f"CPU {n}", email=f"cpu{n}@bench.test", password_hash="x") for n in (1, 2)]
    db.session.add_all(people)
    db.session.commit()
    return [p.id for p in people]


def main():
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="postgres,mysql,sqlite", help="comma-separated")
    parser.add_argument("--writers", default="1,4,16,32", help="comma-separated writer counts")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds per mode and writer count")
    parser.add_argument("--rounds", type=int, default=3, help="alternating slices the seconds are cut into")
    parser.add_argument("--quick", action="store_true", help="3 s per point, in 3 slices")
    parser.add_argument("--no-cpu", action="store_true", help="skip the CPU-per-request section")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else args.seconds
    counts = [int(n) for n in args.writers.split(",")]
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"{'backend':<8} {'writers':>7} {'mode':<21} {'sends/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'lock wait':>9} {'ratio':>6} {'load':>5}"
    )
    cpu = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            RESULTS.mkdir(parents=True, exist_ok=True)
            paths = [RESULTS / "feed-write-default.sqlite", RESULTS / "feed-write-wal.sqlite"]
            for path in paths:
                for suffix in ("", "-wal", "-shm"):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
            default_url, wal_url = (f"sqlite:///{path}" for path in paths)
            seed(default_url, ADDCHAT_SQLITE_WAL=False)
            ids = seed(wal_url)
            setups = [
                ("rows-default-journal", default_url, {"ADDCHAT_SQLITE_WAL": False}),
                ("rows-wal", wal_url, {}),
            ]
            rows = []
            for writers in counts:
                rows += run_point(setups, ids, writers, seconds, None, args.rounds)
            print_rows(backend, rows)
            if not args.no_cpu:
                cpu.append(
                    ("sqlite (WAL)", cpu_per_request(f"sqlite:///{RESULTS / 'feed-write-cpu.sqlite'}"))
                )
                (RESULTS / "feed-write-cpu.sqlite").unlink(missing_ok=True)
            continue
        url, drop = throwaway_database(DEFAULT_URLS[backend], prefix="addchat_bench")
        try:
            ids = seed(url)
            setups = [(mode, url, {}) for mode in SERVER_MODES]
            rows = []
            for writers in counts:
                rows += run_point(setups, ids, writers, seconds, url, args.rounds)
            print_rows(backend, rows)
            if not args.no_cpu:
                cpu.append((backend, cpu_per_request(url)))
        finally:
            drop()
    if cpu:
        print("\nCPU per request in one process (Flask test client; the database server's CPU not included):")
        for name, (health, send) in cpu:
            print(
                f"{name:<14} GET /addchat/health {health:>6.0f} us   POST send {send:>6.0f} us   x{send / health:.1f}"
            )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
