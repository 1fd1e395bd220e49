"""Recompute every person's blind indexes after a change of normalisation. Resumable."""

from django.core.management.base import BaseCommand, CommandError

from cases.services.search import people_to_reindex, reindex_people
from privacy.normalise import INDEX_VERSION


class Command(BaseCommand):
    help = (
        "本人の検索用索引（ブラインドインデックス）を現在の正規化で再計算します"
        "（中断しても再実行で続きから）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be re-indexed.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run: bool, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if dry_run:
            pending = people_to_reindex().count()
            self.stdout.write(
                f"{pending} persons have indexes older than version {INDEX_VERSION}. Nothing was changed."
            )
            return

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} persons re-indexed", ending=""
            )
            self.stdout.flush()

        done = reindex_people(batch_size=batch_size, progress=progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Re-indexing done: {done} persons now at index version {INDEX_VERSION}.")
        )
