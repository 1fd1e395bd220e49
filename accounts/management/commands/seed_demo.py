"""Load the fictional demo data. Idempotent; refuses to run with DEBUG off.

The organisation structure and demo users come from accounts/demo.py. Each later app that has a
``demo`` module with ``seed(structure)`` adds its own data, in INSTALLED_APPS order, so this
command needs to know no feature app.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts import demo


class Command(BaseCommand):
    help = "架空のデモデータを投入します（DEBUG=1 のときのみ。何度実行しても重複しません）。"

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo は DEBUG=1 の開発環境でのみ実行できます。"
                "本番のデータベースに架空のデータを入れないためです。"
                " (seed_demo only runs with DEBUG=1.)"
            )
        with transaction.atomic():
            structure = demo.seed()
            for app_config in apps.get_app_configs():
                if app_config.name != "accounts" and module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(structure)
        self.stdout.write(
            self.style.SUCCESS(
                f"デモデータを用意しました: 組織 {len(structure.organisations) + len(structure.plazas)} 件、"
                f"利用者 {len(structure.users)} 名（パスワードは README を参照）。"
            )
        )
