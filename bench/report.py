"""Write bench/REPORT.md and its PNG plots from the figures the benchmarks saved in bench/results/.

    python -m bench.report

Reads push.json (bench/push.py), soak.json (bench/soak.py), poll.json (bench/poll.py) and
feed_write.txt (bench/feed_write.py, when that module exists), whichever are there, and says so
for those that are not. Describes the machine and the load, and lists the commands that made them.
"""

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
# What `make bench` ran; the report lists the commands for the mode that produced the figures.
COMMANDS = {
    "quick": [
        "BENCH_QUICK=1 make bench",
        ".venv/bin/python -m bench.poll --quick",
        ".venv/bin/python bench/push.py --levels 500,1000 --servers gevent,eventlet,pusher,node"
        " --close-cycles 2 --json bench/results/push.json",
        ".venv/bin/python -m bench.soak --quick",
        ".venv/bin/python -m bench.feed_write --quick > bench/results/feed_write.txt",
        ".venv/bin/python -m bench.report",
    ],
    "full": [
        "make bench",
        ".venv/bin/python -m bench.poll",
        ".venv/bin/python bench/push.py --levels 1000,5000,10000 --servers gevent,eventlet,pusher,node"
        " --close-cycles 3 --json bench/results/push.json",
        ".venv/bin/python -m bench.soak",
        ".venv/bin/python -m bench.feed_write > bench/results/feed_write.txt",
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
    """The poll benchmark's rows, as measured."""
    rows = poll.get("rows", [])
    out = ["| scenario | endpoint | req/s | p50 ms | p99 ms | cpu us/req | load |", "| --- |" + " --- |" * 6]
    for row in rows:
        out.append(
            f"| {row.get('scenario', '')} | {row.get('endpoint', '')} | {fmt(row.get('rps'))} | {fmt(row.get('p50'))} "
            f"| {fmt(row.get('p99'))} | {fmt(row.get('cpu_us'))} | {fmt(row.get('load'))} |"
        )
    return out


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


def fmt(value):
    """A figure or a dash."""
    if value is None:
        return "-"
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


def main():
    """Write the report."""
    mode = "quick" if os.environ.get("BENCH_QUICK") == "1" else "full"
    lines = [
        "# AddChat benchmark report",
        "",
        f"Written by `python -m bench.report` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from bench/results/ "
        f"({mode} run). Every figure below comes from that run; the README quotes this file.",
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
    push = load("push.json")
    lines += ["", "## Push: latency, throughput, memory per connection (bench/push.py)", ""]
    lines += push_section(push) if push else ["Not run (no bench/results/push.json)."]
    soak = load("soak.json")
    lines += ["", "## Soak: every message exactly once, memory flat, latency over time (bench/soak.py)", ""]
    lines += soak_section(soak) if soak else ["Not run (no bench/results/soak.json)."]
    poll = load("poll.json")
    lines += ["", "## Poll endpoint (bench/poll.py)", ""]
    lines += poll_section(poll) if poll else ["Not run (no bench/results/poll.json)."]
    lines += ["", "## Feed writes against the no-ordering ceiling (bench/feed_write.py)", ""]
    if not (ROOT / "bench" / "feed_write.py").exists():
        lines.append("Skipped: bench/feed_write.py is not in this tree (it comes with the feed branch).")
    else:
        feed = load("feed_write.txt")
        lines += feed_section(feed) if feed else ["Not run (no bench/results/feed_write.txt)."]
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"wrote {REPORT.relative_to(ROOT)} and {len(list(PLOTS.glob('*.png')))} plots in bench/plots/")


if __name__ == "__main__":
    main()
