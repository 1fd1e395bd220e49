"""Back the database up into a new directory with its manifest, and record it (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.joblock import run_scheduled
from backups.exceptions import BackupError
from backups.services import discard_recorded_backup, take_backup, taken_at_text


class Command(BaseCommand):
    help = (
        "データベースをバックアップします（PARENT の下に新しいディレクトリを作り、データベースと"
        "マニフェストを書きます。鍵は書きません）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("parent", type=Path, help="The directory under which the backup is written.")
        parser.add_argument(
            "--discard",
            action="store_true",
            help=(
                "PARENT is a backup that has been (or is being) deleted: stop keeping keys for it. "
                "Changes no file."
            ),
        )

    def handle(self, *args, parent: Path, discard: bool, **options) -> None:
        if discard:
            if not discard_recorded_backup(parent):
                raise CommandError(f"No recorded backup at {parent.resolve()}.")
            self.stdout.write(
                f"backup: {parent.resolve()} recorded as discarded; its keys may now be retired."
            )
            return
        run_scheduled(self, "backup", lambda: self.take(parent))

    def take(self, parent: Path) -> str:
        try:
            directory, manifest = take_backup(parent)
        except BackupError as refusal:
            raise CommandError(str(refusal)) from None
        head = manifest.audit_head["sequence"]
        return (
            f"{directory} written ({manifest.engine}, {taken_at_text(manifest.taken_at)}, "
            f"audit head #{head}, needs keys {', '.join(manifest.needed_keks) or '-'})."
        )
