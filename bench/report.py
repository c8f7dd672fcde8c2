"""Write bench/REPORT.md and its PNG plots from the figures the benchmarks saved in bench/results/.

    python -m bench.report

Reads push.json (bench/push.py), soak.json (bench/soak.py), poll.json (bench/poll.py),
feed_write.txt (bench/feed_write.py), notify_bulk.json (bench/notify_bulk.py) and
widget_polling.json (bench/widget_polling.py), whichever
are there, and says so for those that are not. Describes the machine and the load, and lists the
commands that made them. Its summary goes to the top of the report and, verbatim, into the README
between the SUMMARY markers: the README quotes no benchmark figure of its own.
"""

import gzip
import json
import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the file backend)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PLOTS = ROOT / "bench" / "plots"
REPORT = ROOT / "bench" / "REPORT.md"
README = ROOT / "README.md"
# The README's figures are this block, copied from the report's summary by main(); never by hand.
SUMMARY_START = (
    "<!-- bench summary: written by `python -m bench.report` from bench/results/, as in bench/REPORT.md -->"
)
SUMMARY_END = "<!-- end of bench summary -->"
SERVER_NAMES = {
    "gevent": "AddChat socketio mode, serve.py under gevent (the default)",
    "eventlet": "AddChat socketio mode, serve.py under eventlet",
    "pusher": "AddChat pusher mode: the built-in Pusher server",
    "bare": "bare Flask-SocketIO under gevent, no AddChat (bench/bare_socketio.py)",
    "node": "Node socket.io, the reference (bench/reference_server.mjs)",
}
# What `make bench` ran; the report lists the commands for the mode that produced the figures.
COMMANDS = {
    "quick": [
        "BENCH_QUICK=1 make bench",
        ".venv/bin/python -m bench.poll --quick",
        ".venv/bin/python bench/push.py --levels 500,1000 --servers gevent,bare,eventlet,pusher,node"
        " --close-cycles 2 --json bench/results/push.json",
        ".venv/bin/python -m bench.soak --quick",
        ".venv/bin/python -m bench.feed_write --quick > bench/results/feed_write.txt",
        ".venv/bin/python -m bench.notify_bulk --all",
        ".venv/bin/python -m bench.widget_polling --quick",
        ".venv/bin/python -m bench.report",
    ],
    "full": [
        "make bench",
        ".venv/bin/python -m bench.poll",
        ".venv/bin/python bench/push.py --levels 1000,5000,10000 --servers gevent,bare,eventlet,pusher,node"
        " --close-cycles 3 --json bench/results/push.json",
        ".venv/bin/python -m bench.soak",
        ".venv/bin/python -m bench.feed_write > bench/results/feed_write.txt",
        ".venv/bin/python -m bench.notify_bulk --all",
        ".venv/bin/python -m bench.widget_polling",
        ".venv/bin/python -m bench.report",
    ],
}


def load(name):
    """Read one results file, or None."""
    path = RESULTS / name
    if not path.exists():
        return None
    return path.read_text() if name.endswith(".txt") else json.loads(path.read_text())


def machine():
    """Describe the machine the figures come from."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if "MemTotal" in line
        ),
        0,
    )
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() or "-"
    load_avg = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"- {os.cpu_count()} cores ({cpu}), {mem / 1024:.1f} GiB RAM, {platform.platform()}\n"
        f"- Python {platform.python_version()}, Node {node}; SQLite for the push and soak runs\n"
        f"- shared with other jobs: load average {load_avg} when this report was written; each section "
        "gives the load at its run. Absolute figures move by up to half between runs; ratios in one run hold better."
    )


def save(fig, name):
    """Save a figure under bench/plots/ and return its Markdown image line."""
    PLOTS.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(PLOTS / name, dpi=90)
    plt.close(fig)
    return f"![{name}](plots/{name})"


def levels_of(push):
    """The connection counts measured, ascending."""
    found = set()
    for figures in push["servers"].values():
        found.update(int(k) for k in figures if k.isdigit())
    return sorted(found)


def push_section(push):
    """Latency, throughput and memory per connection per server and connection count."""
    servers = list(push["servers"])
    levels = levels_of(push)
    load_avg = " ".join(f"{x:.1f}" for x in push.get("load", [])) or "-"
    out = [f"Run: `{push.get('command', 'bench/push.py')}`; load average at the end {load_avg}.", ""]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    width = 0.8 / max(1, len(servers))
    for i, server in enumerate(servers):
        figures = push["servers"][server]
        xs = [j + i * width for j in range(len(levels))]
        axes[0].bar(
            xs, [figures.get(str(n), {}).get("latency_p50_ms") or 0 for n in levels], width, label=server
        )
        axes[1].bar(
            xs, [figures.get(str(n), {}).get("loaded_p99_ms") or 0 for n in levels], width, label=server
        )
        axes[2].bar(
            xs, [figures.get(str(n), {}).get("delivered_per_s") or 0 for n in levels], width, label=server
        )
    for ax, title in zip(
        axes, ("latency p50, one at a time (ms)", "p99 under load (ms)", "delivered messages/s"), strict=True
    ):
        ax.set_title(title)
        ax.set_xticks(
            [j + width * (len(servers) - 1) / 2 for j in range(len(levels))], [f"{n} idle" for n in levels]
        )
    axes[1].set_yscale("log")
    axes[2].set_yscale("log")
    axes[0].legend()
    out.append(save(fig, "push_latency_throughput.png"))

    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for i, server in enumerate(servers):
        figures = push["servers"][server]
        xs = [j + i * width for j in range(len(levels))]
        axes[0].bar(
            xs, [figures.get(str(n), {}).get("kib_per_conn") or 0 for n in levels], width, label=server
        )
        cycles = figures.get("cycles") or []
        if cycles:
            axes[1].plot(
                range(len(cycles) + 1),
                [figures.get("base_rss_mib", 0)] + [c["rss_mib"] for c in cycles],
                marker="o",
                label=server,
            )
    axes[0].set_title("memory per idle browser-like connection (KiB)")
    axes[0].set_xticks(
        [j + width * (len(servers) - 1) / 2 for j in range(len(levels))], [str(n) for n in levels]
    )
    axes[1].set_title("server RSS (MiB): start, then closed / reopened cycles")
    axes[0].legend()
    axes[1].legend()
    out.append(save(fig, "memory_per_connection.png"))

    out += [
        "",
        "| server | "
        + " | ".join(f"{n}: KiB/conn" for n in levels)
        + " | p50 ms | p99 under load ms | msgs/s |",
    ]
    out.append("| --- |" + " --- |" * (len(levels) + 3))
    top = str(levels[-1]) if levels else ""
    for server in servers:
        figures = push["servers"][server]
        kib = " | ".join(fmt(figures.get(str(n), {}).get("kib_per_conn")) for n in levels)
        last = figures.get(top, {})
        out.append(
            f"| {server} | {kib} | {fmt(last.get('latency_p50_ms'))} | {fmt(last.get('loaded_p99_ms'))} "
            f"| {fmt(last.get('delivered_per_s'))} |"
        )
    cycles = [
        f"- {server}: start {push['servers'][server].get('base_rss_mib', 0):.0f} MiB → "
        + " → ".join(f"{c['event']} {c['rss_mib']:.0f}" for c in push["servers"][server].get("cycles", []))
        for server in servers
        if push["servers"][server].get("cycles")
    ]
    if cycles:
        out += ["", "Memory after every connection closed and reopened (RSS, MiB):", "", *cycles]
    return out


def soak_section(soak):
    """Exactly-once counts, latency over time, memory over time, requests per minute."""
    results = soak["results"]
    args = soak["args"]
    out = [
        f"Run: `python -m bench.soak{' --quick' if args.get('quick') else ''}` — {args['users']} users x "
        f"{args['minutes'] * 60:.0f} s per scenario, a send every {args['interval']:.0f} s per user on average.",
        "",
        "| scenario | sent (acknowledged) | received exactly once | lost | applied twice | same message under two seqs"
        " | only by the last poll | p50 ms | p99 ms | RSS MiB first → last third | load |",
        "| --- |" + " --- |" * 10,
    ]
    for r in results:
        out.append(
            f"| {r['scenario']} | {r['sent']} | {r['received_once']} | {r['lost']} | {r['applied_twice']} | "
            f"{r['duplicated_in_feed']} | {r['only_by_final_poll']} | {fmt(r['p50_ms'])} | {fmt(r['p99_ms'])} | "
            f"{r['rss_first_third_mib']:.0f} → {r['rss_last_third_mib']:.0f} | {r['load'][0]:.1f} |"
        )
    fig, axes = plt.subplots(1, 2, figsize=(13, 4))
    for r in results:
        windows = r["latency_over_time"]
        axes[0].plot(
            [w["t"] for w in windows],
            [w["p50_ms"] for w in windows],
            marker="o",
            label=f"{r['scenario']} p50",
        )
        axes[0].plot(
            [w["t"] for w in windows],
            [w["p99_ms"] for w in windows],
            linestyle="--",
            label=f"{r['scenario']} p99",
        )
        axes[1].plot([t for t, _ in r["rss_mib"]], [m for _, m in r["rss_mib"]], label=r["scenario"])
    axes[0].set_yscale("log")
    axes[0].set_title("delivery latency per 10 s window (ms)")
    axes[0].set_xlabel("seconds into the run")
    axes[1].set_title("server RSS over the run (MiB)")
    axes[1].set_xlabel("seconds into the run")
    axes[0].legend(fontsize=7)
    axes[1].legend()
    out += ["", save(fig, "soak.png")]

    fig, ax = plt.subplots(figsize=(7, 4))
    names = [r["scenario"] for r in results]
    rates = [r["requests_per_min_per_1000_users"] for r in results]
    ax.bar(names, rates)
    ax.axhline(12000, color="grey", linestyle=":", label="the seeds' 12,000/min for 1,000 polling users")
    ax.set_title("HTTP requests per minute for 1,000 users, besides sends")
    ax.legend()
    out += [
        "",
        "Requests per minute a widget population makes besides its sends (polls, catch-ups, channel auths), "
        "scaled to 1,000 users; internal polls every 3 s (20 a minute each), push modes poll only after a "
        "(re)connect and to confirm every 30 s:",
        "",
        save(fig, "requests_per_minute.png"),
        "",
        "| scenario | requests/min per 1,000 users |",
        "| --- | --- |",
        *[f"| {n} | {rate:,.0f} |" for n, rate in zip(names, rates, strict=True)],
    ]
    return out


def poll_section(poll):
    """The poll benchmark's rows: the poll beside the trivial endpoint, then the stall check."""
    out = [
        f"Run: `{poll.get('command', 'python -m bench.poll')}`.",
        "",
        "| scenario | poll req/s | p50 ms | p99 ms | cpu us/req | health req/s | poll/health cpu | load |",
        "| --- |" + " --- |" * 7,
    ]
    for row in poll.get("rows", []):
        health, polled = row["health"], row["poll"]
        cpu_ratio = f"{polled['cpu_us'] / health['cpu_us']:.1f}x" if health.get("cpu_us") else "-"
        out.append(
            f"| {' '.join(row['scenario'].split())} | {fmt(polled['rps'])} | {fmt(polled['p50'])} "
            f"| {fmt(polled['p99'])} | {fmt(polled['cpu_us'])} | {fmt(health['rps'])} | {cpu_ratio} "
            f"| {fmt(polled['load'])} |"
        )
    stalls = poll.get("stalls") or []
    if stalls:
        out += [
            "",
            "A green-thread process while 4 polls wait on a table lock (bench/stall.py): the trivial endpoint "
            "on the same process must keep answering.",
            "",
            "| server and driver set-up | health answered | req/s | polls took s |",
            "| --- | --- | --- | --- |",
        ]
        for stall in stalls:
            polls = max(stall["poll_seconds"]) if stall["poll_seconds"] else None
            out.append(
                f"| {stall['label']} | {stall['health']['requests']} | {fmt(stall['health']['rps'])} | {fmt(polls)} |"
            )
    return out


def widget_section(widget):
    """Requests per minute of one internal-mode widget per state, and send-to-display time."""
    intervals = widget["intervals_ms"]
    rates = widget["polls_per_minute"]
    return [
        f"Run: `{widget['command']}` (Chromium, two people; poll intervals {intervals['active']} ms in an open "
        f"focused conversation, {intervals['interval']} ms otherwise, {intervals['hidden']} ms hidden; load "
        f"{widget['load'][0]:.1f}).",
        "",
        "| " + " | ".join(rates) + " | send to display, conversation open |",
        "| --- |" + " --- |" * len(rates),
        "| "
        + " | ".join(f"{rate:.0f}/min" for rate in rates.values())
        + f" | median {fmt(widget['median_ms'])} ms, p90 {fmt(widget['p90_ms'])} ms "
        f"({widget['shown']}/{widget['sends']} shown) |",
    ]


FEED_ROW = re.compile(r"^(\S+)\s+(\d+)\s+(\S+)\s+([\d.]+)\s")


def feed_section(text):
    """Feed writes per writer count against the no-ordering ceiling (bench/feed_write.py's table)."""
    points = {}
    for line in text.splitlines():
        match = FEED_ROW.match(line.strip())
        if match and match.group(1) != "backend":
            backend, writers, mode, rate = match.groups()
            points.setdefault((backend, mode), []).append((int(writers), float(rate)))
    out = ["```", text.strip(), "```"]
    if points:
        fig, ax = plt.subplots(figsize=(8, 4))
        for (backend, mode), values in sorted(points.items()):
            values.sort()
            style = ":" if mode == "none" else "-"
            ax.plot(
                [w for w, _ in values], [r for _, r in values], style, marker="o", label=f"{backend} {mode}"
            )
        ax.set_xscale("log", base=2)
        ax.set_xlabel("writer processes")
        ax.set_title("feed writes (sends/s); dotted: no ordering, the ceiling")
        ax.legend(fontsize=7)
        out = [save(fig, "feed_writes.png"), "", *out]
    return out


def push_summary(push):
    """Memory per connection and latency at the largest count, each server beside Node."""
    levels = levels_of(push)
    if not levels:
        return []
    top = str(levels[-1])
    servers = push["servers"]
    node_kib = servers.get("node", {}).get(top, {}).get("kib_per_conn")
    out = [
        f"**Push** (`{push.get('command', 'bench/push.py')}`), {int(top):,} idle clients offering "
        "permessage-deflate as Chromium does, on one server process:",
        "",
        "| server | KiB per idle connection | x Node | p50 ms, one message at a time | p99 ms under load | messages/s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for server, figures in servers.items():
        at = figures.get(top, {})
        kib = at.get("kib_per_conn")
        times_node = f"{kib / node_kib:.2f}x" if kib is not None and node_kib else "-"
        out.append(
            f"| {SERVER_NAMES.get(server, server)} | {fmt(kib)} | {times_node} | {fmt(at.get('latency_p50_ms'))} "
            f"| {fmt(at.get('loaded_p99_ms'))} | {fmt(at.get('delivered_per_s'))} |"
        )
    return out


def soak_summary(soak):
    """Exactly-once counts, latency and memory of every soak scenario."""
    args = soak["args"]
    out = [
        f"**Soak** (`python -m bench.soak{' --quick' if args.get('quick') else ''}`), {args['users']:,} users for "
        f"{args['minutes'] * 60:.0f} s per scenario, one server process each:",
        "",
        "| scenario | acknowledged | received exactly once | lost | duplicated | p50 ms | p99 ms | RSS MiB, first → last third |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in soak["results"]:
        duplicated = r["applied_twice"] + r["duplicated_in_feed"]
        out.append(
            f"| {r['scenario']} | {r['sent']:,} | {r['received_once']:,} | {r['lost']} | {duplicated} "
            f"| {fmt(r['p50_ms'])} | {fmt(r['p99_ms'])} | {r['rss_first_third_mib']:.0f} → {r['rss_last_third_mib']:.0f} |"
        )
    return out


def poll_summary(poll):
    """Paced widgets (every 3 s), and what the poll costs beside the trivial endpoint."""
    out = [
        f"**Poll** (`{poll.get('command', 'python -m bench.poll')}`), gunicorn with 2 gevent workers:",
        "",
        "| scenario | poll req/s | p50 ms | p99 ms | CPU per poll / per trivial request |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in poll.get("rows", []):
        health, polled = row["health"], row["poll"]
        if "gthread" in row["scenario"]:
            continue
        cpu_ratio = f"{polled['cpu_us'] / health['cpu_us']:.1f}x" if health.get("cpu_us") else "-"
        out.append(
            f"| {' '.join(row['scenario'].replace('gevent', '').split())} | {fmt(polled['rps'])} "
            f"| {fmt(polled['p50'])} | {fmt(polled['p99'])} | {cpu_ratio} |"
        )
    return out


def feed_points(text):
    """bench/feed_write.py's table as {(backend, writers, mode): (sends/s, lock wait, ratio)}."""
    points = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 9 and parts[1].isdigit() and parts[0] != "backend":
            backend, writers, mode, rate, _p50, _p99, lock, ratio, _load = parts
            points[(backend, int(writers), mode)] = (float(rate), lock, ratio)
    return points


def feed_summary(text):
    """At the most writers measured: per-user rows against the one-counter design and the ceiling."""
    points = feed_points(text)
    if not points:
        return []
    out = [
        "**Feed writes** (`python -m bench.feed_write`): sends/s over the no-ordering ceiling, and the share of "
        "busy database backends waiting on a lock:",
        "",
        "| backend | writers | per-user rows (shipped) | lock wait | one counter row (before) | lock wait |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for backend in sorted({b for b, _, _ in points}):
        most = max(w for b, w, _ in points if b == backend)
        rows = points.get((backend, most, "rows")) or points.get((backend, most, "rows-wal"))
        counter = points.get((backend, most, "global"))
        if rows and counter:  # SQLite has no counter-row run (one writer at a time there)
            out.append(f"| {backend} | {most} | {rows[2]} | {rows[1]} | {counter[2]} | {counter[1]} |")
    return out


def widget_summary(widget):
    """Internal mode in a real browser: requests per minute and send-to-display time."""
    rates = widget["polls_per_minute"]
    return [
        f"**Widget** (`{widget['command']}`, Chromium): "
        + ", ".join(f"{state} {rate:.0f} polls/min" for state, rate in rates.items())
        + f"; send to display with the conversation open: median {fmt(widget['median_ms'])} ms, p90 "
        f"{fmt(widget['p90_ms'])} ms.",
    ]


def notify_rows(notify):
    """One row per database and audience: time and statements of one addchat.notify call."""
    return [
        f"| {row['database']} | {row['audience']} | {row['recipients']:,} | {row['seconds']:.2f} s "
        f"| {row['statements']:,} ({row['notifications']} / {row['feed']:,} / {row['settings']}) |"
        for row in notify["rows"]
    ]


def notify_section(notify):
    """addchat.notify for many recipients: wall time and statements per database."""
    return [
        f"Run: `{notify['command']}`.",
        "",
        "| database | audience | recipients | time | statements (notifications / feed / settings read) |",
        "| --- | --- | --- | --- | --- |",
        *notify_rows(notify),
    ]


def notify_summary(notify):
    """The same table, in the summary."""
    return [
        f"**Notifications** (`{notify['command']}`): one `addchat.notify` call to every user:",
        "",
        *notify_section(notify)[2:],
    ]


# What the browser loads in internal mode with English strings (README, Weight): no dependency;
# pusher-js and socket.io-client load only with their transports.
WIDGET_FILES = (
    "widget.js widget/*.js widget/chat/*.js widget/core/*.js widget/views/*.js widget/transports/index.js "
    "widget/transports/internal.js widget/transports/backoff.js widget/i18n/en.js widget/widget.css"
)


def widget_weight():
    """Bytes of the widget's files: raw, gzip -9 file by file, and gzip -9 of them all concatenated."""
    static = ROOT / "static" / "addchat"
    files = [path for pattern in WIDGET_FILES.split() for path in sorted(static.glob(pattern))]
    contents = [path.read_bytes() for path in files]
    return {
        "files": len(files),
        "raw": sum(len(c) for c in contents),
        "gzip_each": sum(len(gzip.compress(c, 9, mtime=0)) for c in contents),
        "gzip_all": len(gzip.compress(b"".join(contents), 9, mtime=0)),
    }


def weight_summary(weight):
    """The widget's weight, from the files in this tree."""
    return [
        f"**Widget weight** (the {weight['files']} files the browser loads in internal mode, English): "
        f"{weight['raw']:,} bytes raw, {weight['gzip_each']:,} gzip -9 file by file (what a compressing proxy "
        f"sends), {weight['gzip_all']:,} gzip -9 concatenated.",
    ]


def summary_lines(found, mode):
    """The summary of every benchmark that ran: REPORT.md's first section and the README's figures."""
    out = [
        f"From the {mode} run of {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} shared cores "
        f"(`{'BENCH_QUICK=1 ' if mode == 'quick' else ''}make bench` reruns all of it); the report has "
        "every figure, the plots and the machine.",
    ]
    parts = [
        (push_summary, found.get("push")),
        (soak_summary, found.get("soak")),
        (poll_summary, found.get("poll")),
        (feed_summary, found.get("feed")),
        (notify_summary, found.get("notify")),
        (widget_summary, found.get("widget")),
        (weight_summary, found.get("weight")),
    ]
    for summarise, figures in parts:
        lines = summarise(figures) if figures else []
        if lines:
            out += ["", *lines]
    return out


def update_readme(summary):
    """Replace the README's figures with the summary (between its two markers)."""
    text = README.read_text()
    start, end = text.index(SUMMARY_START), text.index(SUMMARY_END)
    README.write_text(text[: start + len(SUMMARY_START)] + "\n" + "\n".join(summary) + "\n" + text[end:])


def readme_summary(text):
    """The summary block as the README holds it (for the test that it matches the report)."""
    start, end = text.index(SUMMARY_START), text.index(SUMMARY_END)
    return text[start + len(SUMMARY_START) : end].strip("\n").splitlines()


def fmt(value):
    """A figure or a dash."""
    if value is None:
        return "-"
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


def main():
    """Write the report, then copy its summary into the README."""
    mode = "quick" if os.environ.get("BENCH_QUICK") == "1" else "full"
    found = {
        "push": load("push.json"),
        "soak": load("soak.json"),
        "poll": load("poll.json"),
        "feed": load("feed_write.txt"),
        "notify": load("notify_bulk.json"),
        "widget": load("widget_polling.json"),
        "weight": widget_weight(),
    }
    summary = summary_lines(found, mode)
    lines = [
        "# AddChat benchmark report",
        "",
        f"Written by `python -m bench.report` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from bench/results/ "
        f"({mode} run). Every figure below comes from that run; the README's figures are its summary, copied "
        "by the same command.",
        "",
        "## Summary",
        "",
        SUMMARY_START,
        *summary,
        SUMMARY_END,
        "",
        "## Machine",
        "",
        machine(),
        "",
        "## Reproduce",
        "",
        "What `make bench` runs (each section below names the exact command of its own figures):",
        "",
        "```sh",
        *COMMANDS[mode],
        "```",
    ]
    sections = [
        ("Push: latency, throughput, memory per connection (bench/push.py)", "push", push_section),
        (
            "Soak: every message exactly once, memory flat, latency over time (bench/soak.py)",
            "soak",
            soak_section,
        ),
        ("Poll endpoint (bench/poll.py)", "poll", poll_section),
        ("Feed writes against the no-ordering ceiling (bench/feed_write.py)", "feed", feed_section),
        ("Notifications to many recipients (bench/notify_bulk.py)", "notify", notify_section),
        ("The widget in internal mode, in Chromium (bench/widget_polling.py)", "widget", widget_section),
    ]
    for title, key, render in sections:
        lines += ["", f"## {title}", ""]
        lines += render(found[key]) if found[key] else [f"Not run (nothing from it in {RESULTS.name}/)."]
    REPORT.write_text("\n".join(lines) + "\n")
    update_readme(summary)
    print(f"wrote {REPORT}, {len(list(PLOTS.glob('*.png')))} plots in {PLOTS} and the figures in {README}")


if __name__ == "__main__":
    main()
