"""Restore a backup into an empty database, verify it, and erase again whom the ledger names."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.verify import parse_statements, statement_argument
from backups.exceptions import BackupError
from backups.services import restore_backup, taken_at_text
from cases.erasure_ledger import ledger_path


class Command(BaseCommand):
    help = (
        "バックアップを空のデータベースに復元し、監査記録の連鎖と署名を検証し、"
        "バックアップ後の消去を消去台帳から再適用します。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="A backup directory written by `manage.py backup`.")
        statement_argument(parser)
        parser.add_argument(
            "--without-erasure-ledger",
            action="store_true",
            help=(
                "Restore although TSUNAGU_ERASURE_LEDGER is not set: people erased after the backup "
                "come back and must be erased again by hand."
            ),
        )

    def handle(
        self, *args, backup: Path, statement: list[str], without_erasure_ledger: bool, **options
    ) -> None:
        if ledger_path() is None and not without_erasure_ledger:
            raise CommandError(
                "TSUNAGU_ERASURE_LEDGER is not set: without the erasure ledger, people erased after this "
                "backup would come back. Set it to the ledger file, or pass --without-erasure-ledger."
            )
        statements = parse_statements(statement)
        try:
            report = restore_backup(backup, statements=statements)
        except BackupError as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"restore: the backup of {taken_at_text(report.manifest.taken_at)} restored; "
                f"{report.migrated} migrations applied after it; audit chain intact "
                f"({report.audit_events:,} events, {report.checkpoints} signed checkpoints); "
                f"{report.erasures} people erased again from the erasure ledger."
            )
        )
