"""Installs are reproducible: every dependency in pyproject.toml is pinned, and pinned alike in the locks.

requirements.lock is what a server installs (no development tool); requirements-dev.lock is the same set
plus the tools. Every pin carries its files' hashes, so pip installs with --require-hashes.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"([A-Za-z0-9_.-]+)(\[[^\]]+\])?==([0-9][^\s;]*)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: str) -> dict[str, list[str]]:
    """Each pinned package's version and hashes, read as pip does (continued lines joined)."""
    text = (ROOT / path).read_text()
    entries = {}
    for requirement in re.sub(r"\\\n", " ", text).splitlines():
        if not requirement.strip() or requirement.startswith("#"):
            continue
        pin, *options = requirement.split()
        match = PIN.fullmatch(pin)
        assert match, f"{path}: {pin} is not pinned with =="
        hashes = [option for option in options if option.startswith("--hash=sha256:")]
        assert hashes and len(hashes) == len(options), f"{path}: {pin} is not pinned by its hashes alone"
        entries[normalise(match[1])] = [match[3], *hashes]
    return entries


def direct(group: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in group:
        match = PIN.fullmatch(requirement)
        assert match, f"{requirement} is not pinned with =="
        pins[normalise(match[1])] = match[3]
    return pins


def test_every_production_dependency_is_locked_at_its_version_in_both_locks():
    production, development = locked("requirements.lock"), locked("requirements-dev.lock")
    for name, version in direct(PROJECT["dependencies"]).items():
        assert production.get(name, [None])[0] == version, f"{name} differs from requirements.lock"
    # Server and developer run the same code: each production pin, hashes and all, is in the dev lock.
    for name, entry in production.items():
        assert development.get(name) == entry, f"{name} is locked differently in requirements-dev.lock"


def test_development_tools_stay_out_of_the_production_lock():
    production, development = locked("requirements.lock"), locked("requirements-dev.lock")
    for name, version in direct(PROJECT["optional-dependencies"]["dev"]).items():
        assert development.get(name, [None])[0] == version, f"{name} differs from requirements-dev.lock"
        assert name not in production, f"the development tool {name} is in requirements.lock"
