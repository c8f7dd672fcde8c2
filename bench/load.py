"""Start the app under gunicorn (or eventlet) on a free port, and load it with wrk."""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from testkit import free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "users.lua"
HEALTH = "/addchat/health"
# The bench polls far faster than a widget's 3 s; the limiter still runs, it just never refuses.
UNLIMITED_POLLS = "1000000/minute"


@dataclass
class Figures:
    """One wrk run: throughput, latency percentiles in ms, and failed requests."""

    requests: int
    rps: float
    p50: float
    p99: float
    max: float
    errors: int
    # Server CPU (all its processes, user + system) per request: steadier than req/s when
    # other work shares the cores; and the machine's load average when the run ended.
    cpu_us: float = 0.0
    load: float = 0.0


def server_command(kind, port, workers=2, threads=4, extra_args=()):
    """Build the command line of one server kind: gevent, gthread, or eventlet."""
    if kind == "eventlet":
        return [sys.executable, "-m", "bench.eventlet_server", str(port)]
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--backlog", "2048", "--graceful-timeout", "5", "--log-level", "warning"]
    # Longer than a widget's 3 s poll interval, so a paced connection is not closed between polls.
    command += ["--keep-alive", "10"]
    if kind == "gevent":
        command += ["-k", "gevent", "--worker-connections", "1000"]
    elif kind == "gthread":
        command += ["-k", "gthread", "--threads", str(threads)]
    else:
        raise ValueError(kind)
    return command + list(extra_args) + ["wsgi:app"]


def wait_ready(port, process, timeout=30):
    """Wait until the server answers its health check, or fail with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start (exit code {process.poll()})")


@dataclass
class Server:
    """A running server: where it listens and its master process."""

    port: int
    pid: int


@contextmanager
def server(kind, database_url, secret_key, workers=2, extra_env=None, extra_args=(), log_name="server"):
    """Run one server for the duration of the block; yield it as a Server."""
    port = free_port()
    env = {
        **os.environ,
        "ADDCHAT_CONFIG": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "ADDCHAT_POLL_RATE_LIMIT": UNLIMITED_POLLS,
        # Production refuses the published Pusher defaults: this run's own, as a deployment sets them.
        "PUSHER_APP_ID": str(secrets.randbelow(10**9)),
        "PUSHER_KEY": secrets.token_hex(10),
        "PUSHER_SECRET": secrets.token_urlsafe(32),
        **(extra_env or {}),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / f"{log_name}.log", "ab") as log:
        process = subprocess.Popen(
            server_command(kind, port, workers, extra_args=extra_args),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            wait_ready(port, process)
            yield Server(port, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def server_cpu_seconds(pid):
    """Sum user + system CPU of a server process and its direct children (the workers)."""
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    ticks = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def settle(target, timeout=15):
    """Wait until the server has finished the requests a previous run left in flight."""
    deadline = time.monotonic() + timeout
    last = server_cpu_seconds(target.pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = server_cpu_seconds(target.pid)
        if now - last < 0.02:
            return
        last = now


def write_targets(targets, name):
    """Write (cookie, path) pairs where the wrk script reads them."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.tsv"
    path.write_text("".join(f"{cookie}\t{target}\n" for cookie, target in targets))
    return path


def require_wrk():
    """Fail early, with the fix, when wrk is missing."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk (or `make bench`, which installs it).")


def wrk(target, targets_file, connections, seconds, path=None, threads=1, timeout=30, pace_ms=0):
    """Run wrk against a Server with one connection per simulated user; return its Figures.

    Closed loop (each connection sends again as soon as it has its answer) unless pace_ms is
    given: then each connection waits on average pace_ms before each request, like a widget.
    """
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--timeout", f"{timeout}s", "-s", str(LUA), f"http://127.0.0.1:{target.port}"]
    command += ["--", str(targets_file)] + ([path] if path else [])
    settle(target)
    cpu_before = server_cpu_seconds(target.pid)
    env = {**os.environ, "ADDCHAT_BENCH_PACE_MS": str(pace_ms)}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    cpu = server_cpu_seconds(target.pid) - cpu_before
    line = next(line for line in output.splitlines() if line.startswith("WRK_RESULT "))
    raw = json.loads(line.removeprefix("WRK_RESULT "))
    errors = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Figures(
        requests=raw["requests"],
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50=raw["p50_us"] / 1000,
        p99=raw["p99_us"] / 1000,
        max=raw["max_us"] / 1000,
        errors=errors,
        cpu_us=cpu / raw["requests"] * 1e6 if raw["requests"] else 0.0,
        load=os.getloadavg()[0],
    )
