"""Create a new keyring file (mode 0600). Never overwrites one: losing a keyring loses every person's data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy.keyring import generate_keyring, write_keyring_file


class Command(BaseCommand):
    help = "新しい鍵束ファイルを作成します（権限 0600）。既存のファイルは上書きしません。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing (successfully) when the file already exists.",
        )

    def handle(self, *args, path: Path, if_missing: bool, **options) -> None:
        if path.exists():
            if if_missing:
                return
            raise CommandError(f"{path} already exists; a keyring is never overwritten.")
        write_keyring_file(path, generate_keyring(str(path)))
        self.stdout.write(
            self.style.SUCCESS(
                f"Created keyring {path} (mode 0600). Back it up separately from the database."
            )
        )
