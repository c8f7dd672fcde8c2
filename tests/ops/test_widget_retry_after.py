"""The widget honours Retry-After only on 429 and 503 (Flask-Limiter stamps it on every answer)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "js" / "retry_after.mjs"


def test_retry_after_is_read_on_429_and_503_only():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is required")
    out = subprocess.run([node, str(SCRIPT)], capture_output=True, text=True, timeout=60, check=True).stdout
    assert json.loads(out) == {"400": 0, "429": 42, "500": 0, "502": 0, "503": 42}
