"""Rotate the key-encryption key: re-wrap every data key, retire the old key. Resumable."""

from django.core.management.base import BaseCommand, CommandError

from privacy.exceptions import KeyringError
from privacy.secretstore import configured_store
from privacy.services import plan_rotation, rotate_keys


class Command(BaseCommand):
    help = "鍵暗号化鍵を更新し、全データ鍵を再ラップして古い鍵を廃棄します（中断しても再実行で再開）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; change nothing.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--keyring-out",
            default="",
            metavar="PATH|fd:N",
            help=(
                "With the keyring in TSUNAGU_KEYRING_JSON: where to write the new keyring for the operator "
                "to deploy (a new file, created private, or an open file descriptor). Never printed."
            ),
        )

        parser.add_argument(
            "--even-if-backups-need-it",
            action="store_true",
            help=(
                "Destroy retired keys even if recorded backups still need them: those backups become "
                "unreadable for good (docs/operations.md, Keys)."
            ),
        )

    def handle(
        self,
        *args,
        dry_run: bool,
        batch_size: int,
        keyring_out: str,
        even_if_backups_need_it: bool,
        **options,
    ) -> None:
        if dry_run:
            plan = plan_rotation()
            action = "resume the interrupted rotation" if plan.resumes else "add a new key-encryption key"
            self.stdout.write(f"Would {action} and re-wrap {plan.data_keys} data keys. Nothing was changed.")
            return

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} data keys re-wrapped", ending=""
            )
            self.stdout.flush()

        try:
            store = configured_store(keyring_out=keyring_out)
            if hasattr(store, "check_writer"):
                store.check_writer()  # before any change: refuse the wrong user at once
            if hasattr(store, "check_output"):
                store.check_output()
            report = rotate_keys(
                batch_size=batch_size,
                progress=progress,
                store=store,
                even_if_backups_need_it=even_if_backups_need_it,
            )
        except KeyringError as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write("")
        if report.deploy_first:
            self.stdout.write(
                self.style.WARNING(
                    f"New key-encryption key {report.new_kek_id} added; the keyring was written to "
                    f"{keyring_out}. Put it into TSUNAGU_KEYRING_JSON on every server, restart them, then "
                    "run rotate_keys again (with a new --keyring-out) to re-wrap and retire the old key."
                )
            )
            return
        started = f"new key-encryption key {report.new_kek_id}" if report.new_kek_id else "resumed rotation"
        retired = ", ".join(report.retired) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Rotation done ({started}): {report.rewrapped} data keys re-wrapped; retired: {retired}."
            )
        )
        for kek_id, backups in sorted(report.kept.items()):
            self.stdout.write(
                self.style.WARNING(
                    f"Key {kek_id} kept in the keyring: {backups} recorded backup(s) cannot be read without "
                    "it. Once those backups are deleted, say so with `backup --discard PATH`, then run "
                    "rotate_keys again; or destroy it now with --even-if-backups-need-it."
                )
            )
