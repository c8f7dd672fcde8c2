"""Production refuses published or weak secrets; development stays zero-configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import config as project_config
from addchat import create_app

ROOT = Path(__file__).resolve().parents[1]
STRONG = {
    "SECRET_KEY": secrets.token_urlsafe(32),
    "PUSHER_SECRET": secrets.token_urlsafe(32),
    "PUSHER_KEY": secrets.token_hex(10),
    "PUSHER_APP_ID": str(secrets.randbelow(10**9) + 10**6),
}


def production(**values):
    """A ProductionConfig subclass with these values, as the environment would set them."""
    return type("Production", (project_config.ProductionConfig,), {**STRONG, **values})


def test_strong_secrets_pass():
    production().check()
    create_app(production())


@pytest.mark.parametrize(
    "name,value",
    [
        ("SECRET_KEY", "dev-only-change-me"),
        ("SECRET_KEY", ""),
        ("SECRET_KEY", "x"),
        ("SECRET_KEY", "a" * 64),  # long but one character: no entropy
        ("SECRET_KEY", "abcdabcdabcdabcdabcdabcdabcdabcdabcd"),
        ("SECRET_KEY", secrets.token_urlsafe(12)),  # random but short
        ("PUSHER_SECRET", "addchat-secret"),
        ("PUSHER_SECRET", ""),
        ("PUSHER_SECRET", "hunter2"),
        ("PUSHER_KEY", "addchat-key"),
        ("PUSHER_APP_ID", "100001"),
    ],
)
def test_published_or_weak_values_are_refused_by_name(name, value):
    with pytest.raises(RuntimeError) as refused:
        create_app(production(**{name: value}))
    assert f"set {name}" in str(refused.value)


def test_pusher_channels_key_and_app_id_are_not_ours_to_judge():
    """With PUSHER_CLUSTER (Pusher's own service: no PUSHER_HOST) key and app id come from Pusher."""
    production(PUSHER_HOST=None, PUSHER_KEY="abc123", PUSHER_APP_ID="123457").check()


def _start(config_name, **env):
    """Build wsgi.app in a fresh process with only these AddChat settings; return the process result."""
    clean = {k: v for k, v in os.environ.items() if k not in STRONG and not k.startswith("PUSHER_")}
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**clean, "ADDCHAT_CONFIG": config_name, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_process_refuses_the_readme_defaults():
    result = _start("production", SECRET_KEY=STRONG["SECRET_KEY"], PUSHER_SECRET="addchat-secret")
    assert result.returncode != 0
    assert "set PUSHER_SECRET" in result.stderr
    assert "set PUSHER_KEY" in result.stderr and "set PUSHER_APP_ID" in result.stderr


def test_production_process_starts_with_strong_settings():
    result = _start("production", **STRONG)
    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration():
    result = _start("development")
    assert result.returncode == 0, result.stderr


def test_production_cookies_are_secure_httponly_samesite():
    config = production()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.REMEMBER_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == config.REMEMBER_COOKIE_SAMESITE == "Lax"
