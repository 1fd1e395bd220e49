import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from privacy.exceptions import KeyringError
from privacy.keyring import generate_keyring, parse_keyring, read_keyring_file, write_keyring_file

ROOT = Path(__file__).resolve().parents[2]


def test_keyring_round_trips_through_its_file(tmp_path):
    keyring = generate_keyring()
    path = tmp_path / "k.json"
    write_keyring_file(path, keyring)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = read_keyring_file(path)
    assert (again.current_kek_id, again.keks, again.blind_index_key) == (
        keyring.current_kek_id,
        keyring.keks,
        keyring.blind_index_key,
    )


def test_a_keyring_readable_by_others_is_refused(tmp_path):
    path = tmp_path / "k.json"
    write_keyring_file(path, generate_keyring())
    path.chmod(0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        read_keyring_file(path)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: "not json", "not valid JSON"),
        (lambda d: {**d, "format": 9}, "unknown format"),
        (lambda d: {k: v for k, v in d.items() if k != "blind_index_key"}, "lacks 'blind_index_key'"),
        (lambda d: {**d, "keks": {}}, "no key-encryption key"),
        (lambda d: {**d, "current_kek": "nope"}, "'nope' is missing"),
        (lambda d: {**d, "blind_index_key": "AAAA"}, "must be 32 bytes"),
        (lambda d: {**d, "blind_index_key": "%%%"}, "not valid base64"),
    ],
)
def test_malformed_keyrings_give_specific_errors(mutate, message):
    data = json.loads(generate_keyring().to_json())
    mutated = mutate(data)
    text = mutated if isinstance(mutated, str) else json.dumps(mutated)
    with pytest.raises(KeyringError, match=message):
        parse_keyring(text, "test")


def test_missing_keyring_file_says_how_to_create_one(tmp_path):
    with pytest.raises(KeyringError, match="create_keyring"):
        read_keyring_file(tmp_path / "absent.json")


def test_create_keyring_never_overwrites(tmp_path):
    path = tmp_path / "k.json"
    call_command("create_keyring", str(path))
    first = path.read_bytes()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("create_keyring", str(path))
    call_command("create_keyring", str(path), "--if-missing")
    assert path.read_bytes() == first


def run_production(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    ours = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "HTTPS_ONLY", "ALLOWED_HOSTS", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("TSUNAGU_KEYRING")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "s" * 60, **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_keyring():
    result = run_production({})
    assert result.returncode != 0
    assert "TSUNAGU_KEYRING" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_with_a_broken_keyring(tmp_path):
    path = tmp_path / "k.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o600)
    result = run_production({"TSUNAGU_KEYRING": str(path)})
    assert result.returncode != 0
    assert "unknown format" in result.stderr
    write_keyring_file(path, generate_keyring())
    assert run_production({"TSUNAGU_KEYRING": str(path)}).returncode == 0
