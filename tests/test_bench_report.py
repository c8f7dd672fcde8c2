"""The benchmark report: the README's figures are the report's summary, and the report renders every run.

The README may quote no benchmark figure of its own: `python -m bench.report` copies its summary
there, between two markers, and this file fails when the two differ (a figure typed by hand).
"""

import json

import pytest

from bench import report

SOAK = {
    "args": {"users": 40, "minutes": 0.5, "interval": 10, "quick": True},
    "results": [
        {
            "scenario": name,
            "users": 40,
            "seconds": 30,
            "sent": 120 + i,
            "received_once": 120 + i,
            "lost": 0,
            "applied_twice": 0,
            "duplicated_in_feed": 0,
            "only_by_final_poll": i,
            "p50_ms": 40.0 + i,
            "p99_ms": 400.0 + i,
            "rss_first_third_mib": 100.0,
            "rss_last_third_mib": 101.0,
            "load": [1.0, 1.0, 1.0],
            "latency_over_time": [{"t": 10, "p50_ms": 40.0, "p99_ms": 400.0}],
            "rss_mib": [[5, 100.0], [10, 101.0]],
            "requests_per_min_per_1000_users": 6000.0 + i,
        }
        for i, name in enumerate(("internal", "socketio", "pusher", "switch"))
    ],
}
PUSH = {
    "command": "bench/push.py --levels 100 --servers gevent,bare,node",
    "load": [1.0, 1.0, 1.0],
    "servers": {
        name: {
            "base_rss_mib": 60.0,
            "100": {
                "kib_per_conn": kib,
                "latency_p50_ms": 2.0,
                "loaded_p99_ms": 9.0,
                "delivered_per_s": 300.0,
            },
            "cycles": [{"cycle": 1, "event": "closed", "rss_mib": 61.0}],
        }
        for name, kib in (("gevent", 57.5), ("bare", 54.0), ("node", 25.0))
    },
}
FEED = """backend  writers mode                   sends/s  p50 ms  p99 ms lock wait  ratio  load
postgres      16 rows                        50   304.7   588.5        0%  x0.97  11.7
postgres      16 global                      47   235.9  1404.7       85%  x0.90  11.7
postgres      16 none                        52   288.0   445.7        0%  x1.00  11.7
"""


def test_the_readmes_figures_are_the_reports_summary():
    readme = report.readme_summary(report.README.read_text())
    written = report.readme_summary(report.REPORT.read_text())
    assert readme == written
    assert any("KiB per idle connection" in line for line in readme)


@pytest.fixture
def bench_tree(tmp_path, monkeypatch):
    """A results folder, plots folder, report and README of its own."""
    results = tmp_path / "results"
    results.mkdir()
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Site\n\n{report.SUMMARY_START}\nan old figure: 99 KiB\n{report.SUMMARY_END}\n\nthe rest\n"
    )
    for name, path in (
        ("RESULTS", results),
        ("PLOTS", tmp_path / "plots"),
        ("REPORT", tmp_path / "REPORT.md"),
        ("README", readme),
    ):
        monkeypatch.setattr(report, name, path)
    return results


def test_a_run_replaces_the_readmes_figures_and_keeps_the_rest(bench_tree):
    (bench_tree / "soak.json").write_text(json.dumps(SOAK))
    (bench_tree / "push.json").write_text(json.dumps(PUSH))
    (bench_tree / "feed_write.txt").write_text(FEED)
    report.main()
    readme = report.README.read_text()
    assert "99 KiB" not in readme and readme.endswith("\nthe rest\n") and readme.startswith("# Site\n")
    summary = report.readme_summary(readme)
    assert summary == report.readme_summary(report.REPORT.read_text())
    text = "\n".join(summary)
    assert "| switch | 123 | 123 | 0 | 0 |" in text  # exactly-once counts per scenario
    assert "| 57.5 | 2.30x |" in text and "| 54.0 | 2.16x |" in text  # memory beside Node's
    assert "| postgres | 16 | x0.97 | 0% | x0.90 | 85% |" in text
    assert {p.name for p in report.PLOTS.iterdir()} >= {
        "soak.png",
        "memory_per_connection.png",
        "feed_writes.png",
    }


def test_benchmarks_that_did_not_run_are_named_not_invented(bench_tree):
    (bench_tree / "soak.json").write_text(json.dumps(SOAK))
    report.main()
    written = report.REPORT.read_text()
    assert written.count("Not run (nothing from it in results/).") == 5  # push, poll, feed, notify, widget
    assert "KiB per idle connection" not in "\n".join(report.readme_summary(report.README.read_text()))
