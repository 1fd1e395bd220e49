"""What every benchmark shares: its command line, a throwaway database and keyring, Django set up.

A benchmark calls ``start()`` before importing anything of Django's or ours, then runs inside
``throwaway_database()``: a temporary SQLite file, or with --database-url a test_… database made
and dropped on that server — never the database itself.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_tmp = tempfile.TemporaryDirectory(prefix="tsunagu-bench-")


def start(doc: str, add_arguments: Callable[[argparse.ArgumentParser], None]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL server to measure on (default: SQLite)"
    )
    add_arguments(parser)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{_tmp.name}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"  # throwaway keyring, DEBUG off
    import django

    django.setup()
    return args


@contextmanager
def throwaway_database(args: argparse.Namespace) -> Iterator[None]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = None
    if args.database_url:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        if old_name:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        _tmp.cleanup()


def banner(name: str) -> None:
    from django.db import connection

    where = os.environ["DATABASE_URL"].split("@")[-1]  # never the credentials
    print(f"Tsunagu {name} benchmark — {connection.vendor} ({where}), Python {sys.version.split()[0]}")


def seed_demo() -> dict:
    """The demo data, as ``manage.py seed_demo`` loads it (without its DEBUG guard: a database of
    the benchmark's own), and what the page benchmarks open: the demo plaza's first referred case
    (consents, disclosures, a held meeting, referrals), its meeting and accepted referral, a
    guardianship matter and the case's person's name (for the person search)."""
    from importlib import import_module

    from django.apps import apps
    from django.db import transaction
    from django.utils.module_loading import module_has_submodule

    from accounts import demo
    from cases.models import Case, CaseState, SupportMeeting
    from guardianship.models import GuardianshipMatter
    from referrals.models import Referral

    with transaction.atomic():
        structure = demo.seed()
        for app_config in apps.get_app_configs():
            if app_config.name != "accounts" and module_has_submodule(app_config.module, "demo"):
                import_module(f"{app_config.name}.demo").seed(structure)
    plaza = structure.plazas[0]
    case = (
        Case.objects.filter(state=CaseState.REFERRED, lead_organisation=plaza)
        .select_related("person__data_key")
        .order_by("created_at")
        .first()
    )
    return {
        "users": structure.users,
        "plaza": plaza,
        "case": case,
        "meeting": SupportMeeting.objects.filter(case=case).first(),
        "referral": Referral.objects.filter(case=case, state="accepted").first(),
        "matter": GuardianshipMatter.objects.order_by("opened_at").first(),
        "name": case.person.name,
    }
