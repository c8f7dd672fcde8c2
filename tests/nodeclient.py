"""Node clients (pusher-js, Laravel Echo) run as subprocesses that talk JSON lines with a test.

The Node side is tests/js/lines.mjs: `say()` writes a JSON line, `nextLine()` waits for the test.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ensure_node_clients():
    """Fail without Node; install the pinned npm clients when they are missing."""
    if shutil.which("node") is None:
        pytest.fail("node is required for the Node client tests")
    if not all((ROOT / "node_modules" / name).is_dir() for name in ("pusher-js", "laravel-echo")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, timeout=300)
    return shutil.which("node")


class NodeScript:
    """One Node script: its config goes in as JSON in an environment variable."""

    def __init__(self, script, env_name, config):
        env = dict(os.environ, **{env_name: json.dumps(config)})
        self.proc = subprocess.Popen(
            [shutil.which("node") or "node", str(script)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def read(self):
        """Read the script's next JSON line; fail with its stderr if it died."""
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=5)
            pytest.fail(f"node exited {self.proc.returncode}: {self.proc.stderr.read()}")
        message = json.loads(line)
        assert "error" not in message, message
        return message

    def expect(self, key):
        """Read the next line and return its value under `key`."""
        message = self.read()
        assert key in message, message
        return message[key]

    def tell(self, step="go"):
        """Let the script go on to its next step."""
        self.proc.stdin.write(step + "\n")
        self.proc.stdin.flush()

    go_on = tell

    def finish(self, timeout=15):
        """Wait for a clean exit."""
        assert self.proc.wait(timeout=timeout) == 0, self.proc.stderr.read()

    def kill(self):
        """Stop the script if it is still running."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
