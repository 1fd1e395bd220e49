"""Settings come from the environment, and production mode refuses to start unsafe."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(
    *args: str, env: dict[str, str], base: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    # Start from the environment without the test run's own settings (config/settings_test.py), nor
    # the browser suite's allowance for the ORM beside Playwright's event loop (tests/e2e/conftest.py).
    ours = {
        "DEBUG",
        "SECRET_KEY",
        "DJANGO_SETTINGS_MODULE",
        "HTTPS_ONLY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {k: v for k, v in (os.environ if base is None else base).items() if k not in ours}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tsunagu.example.jp",
        "TSUNAGU_KEYRING_JSON": os.environ["TSUNAGU_KEYRING_JSON"],
        **extra,
    }


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage("check", env={"DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_defaults_off_and_development_needs_no_secret():
    result = manage("diffsettings", "--all", env={"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "DEBUG = True" in result.stdout
    result = manage("diffsettings", "--all", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "DEBUG = False" in result.stdout
    assert "LANGUAGE_CODE = 'ja'" in result.stdout
    assert "TIME_ZONE = 'Asia/Tokyo'" in result.stdout


def test_unreadable_boolean_is_a_clear_error():
    result = manage("check", env=production_env(DEBUG="maybe"))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_check_deploy_flags_a_weak_setup():
    # The same check does fail when production is misconfigured (here: TLS turned off).
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(HTTPS_ONLY="0"))
    assert result.returncode != 0


def test_database_url_selects_the_engine():
    result = manage(
        "diffsettings",
        "--all",
        env=production_env(DATABASE_URL="postgres://tsunagu:pw@db.example:5432/tsunagu"),
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout
    # The planner is told the storage is SSD by the database itself (apply_planner_settings), not by
    # a startup parameter, which PgBouncer in transaction mode refuses.
    assert "'random_page_cost': '1.1'" in result.stdout
    assert "'options'" not in result.stdout
    # Persistent connections are checked before reuse; without them there is nothing to check.
    assert "'CONN_HEALTH_CHECKS': False" in result.stdout
    assert "'prepare_threshold': 5" in result.stdout  # repeated statements keep their plans
    result = manage(
        "diffsettings",
        "--all",
        env=production_env(
            DATABASE_URL="postgres://tsunagu:pw@db.example:5432/tsunagu", DATABASE_PREPARE_THRESHOLD="none"
        ),
    )
    assert "'prepare_threshold': None" in result.stdout  # behind a transaction-pooling PgBouncer


def test_planner_options_as_a_startup_parameter_only_when_asked_for():
    result = manage(
        "diffsettings",
        "--all",
        env=production_env(
            DATABASE_URL="postgres://tsunagu:pw@db.example:5432/tsunagu",
            DATABASE_PLANNER_OPTIONS="-c random_page_cost=1.1",
            DATABASE_CONN_MAX_AGE="60",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert "'options': '-c random_page_cost=1.1'" in result.stdout
    assert "'CONN_HEALTH_CHECKS': True" in result.stdout


def test_create_keyring_runs_on_a_production_host_without_a_keyring(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": secrets.token_urlsafe(50)}
    env_without_keyring = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGU_KEYRING")}
    path = tmp_path / "keyring.json"
    result = manage("create_keyring", str(path), env=env, base=env_without_keyring)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    assert "kek" in path.read_text() or path.read_text().startswith("{")
    # Every other command (and so the application server) still refuses to start without one.
    result = manage("check", env=env, base=env_without_keyring)
    assert result.returncode != 0
    assert "keyring is required" in result.stderr
    # ...even one that names create_keyring further along its arguments.
    result = manage("check", "create_keyring", env=env, base=env_without_keyring)
    assert "keyring is required" in result.stderr
    # With the keyring it made, a production host starts.
    result = manage("check", env={**env, "TSUNAGU_KEYRING": str(path)}, base=env_without_keyring)
    assert result.returncode == 0, result.stderr
