"""The wheel: what it carries, and the vendored npm builds it serves without node_modules."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from addchat.widget import VENDOR_DIR, VENDOR_FILES

ROOT = Path(__file__).resolve().parents[1]


def build_wheel(outdir):
    """Build the wheel of this checkout into outdir (no isolation: hatchling is pinned in requirements)."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = Path(outdir).glob("flask_addchat-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built once for this module."""
    return build_wheel(tmp_path_factory.mktemp("dist"))


def test_the_wheel_carries_package_static_vendor_builds_templates_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "addchat/__init__.py",
        "addchat/settings.py",
        "addchat/transports/pusher/server/server.py",
        "addchat/static/addchat/widget.js",
        "addchat/static/addchat/widget/main.js",
        "addchat/static/addchat/admin/admin.js",
        "addchat/templates/addchat/admin/index.html",
        "addchat/migrations/env.py",
        "addchat/migrations/versions/0001_initial_chat_schema.py",
    ] + [f"addchat/static/addchat/vendor/{name}" for name in VENDOR_FILES]
    assert [name for name in expected if name not in names] == []
    # Nothing of the checkout's own: no tests, no node_modules, no bytecode, no standalone config.
    assert not [n for n in names if n.startswith(("tests/", "node_modules/")) or "__pycache__" in n]
    assert "config.py" not in names


def test_the_wheel_metadata_names_ranges_and_extras(wheel):
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("flask_addchat-0.1.0.dist-info/METADATA").decode()
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist")]
    core = [r for r in requires if "extra ==" not in r]
    names = {re.split(r"[<>=!\[ ;]", r, maxsplit=1)[0].lower() for r in core}
    assert {"flask", "flask-sqlalchemy", "flask-login", "flask-socketio", "pusher"} <= names
    assert not [r for r in core if "==" in r], "ranges, not pins"
    extras = {line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Provides-Extra")}
    assert {"socketio", "gevent", "eventlet", "postgres", "mysql"} <= extras


@pytest.mark.skipif(not (ROOT / "node_modules").is_dir(), reason="needs npm ci")
def test_vendored_builds_are_the_pinned_npm_builds():
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, path in VENDOR_FILES.items():
        package = "node_modules/" + path.split("/dist/")[0]
        installed = json.loads((ROOT / package / "package.json").read_text())["version"]
        assert installed == lock[package]["version"], f"run npm ci: {package}"
        assert (VENDOR_DIR / name).read_bytes() == (ROOT / "node_modules" / path).read_bytes(), (
            f"static/addchat/vendor/{name} differs from {path}: run `make vendor`"
        )


def test_vendor_builds_are_served_without_node_modules(app):
    client = app.test_client()
    for name in VENDOR_FILES:
        response = client.get(f"/addchat/static/vendor/{name}")
        assert response.status_code == 200
        assert response.get_data() == (VENDOR_DIR / name).read_bytes()
    assert client.get("/addchat/static/vendor/other.js").status_code == 404
