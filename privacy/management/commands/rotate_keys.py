"""Rotate the key-encryption key: re-wrap every data key, retire the old key. Resumable."""

from django.core.management.base import BaseCommand

from privacy.services import plan_rotation, rotate_keys


class Command(BaseCommand):
    help = "鍵暗号化鍵を更新し、全データ鍵を再ラップして古い鍵を廃棄します（中断しても再実行で再開）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; change nothing.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, dry_run: bool, batch_size: int, **options) -> None:
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

        report = rotate_keys(batch_size=batch_size, progress=progress)
        self.stdout.write("")
        started = f"new key-encryption key {report.new_kek_id}" if report.new_kek_id else "resumed rotation"
        retired = ", ".join(report.retired) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Rotation done ({started}): {report.rewrapped} data keys re-wrapped; retired: {retired}."
            )
        )
