"""Erase the personal data of people whose cases all ended longer ago than the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.services.people import erase_person, people_due_for_erasure


class Command(BaseCommand):
    help = "保存期間を過ぎた本人の個人情報を消去します（--dry-run で対象の一覧のみ表示）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be erased; change nothing."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=settings.TSUNAGU_RETENTION_YEARS,
            help="Retention period in years after the last case ended (default: TSUNAGU_RETENTION_YEARS, 5).",
        )

    def handle(self, *args, dry_run: bool, years: int, **options) -> None:
        due = list(people_due_for_erasure(now=timezone.now(), years=years).only("id", "erased_at"))
        # A fixed list, erased one by one: an interruption leaves the rest for the next run.
        verb = "Would erase" if dry_run else "Erasing"
        self.stdout.write(f"{verb} {len(due)} people whose cases all ended more than {years} years ago.")
        for number, person in enumerate(due, start=1):
            ended = f"{person.last_ended:%Y-%m-%d}"
            if dry_run:
                self.stdout.write(f"  {person.pk}  last case ended {ended}")
                continue
            erase_person(actor=None, person=person, reason="retention")
            self.stdout.write(f"  [{number}/{len(due)}] {person.pk} erased (last case ended {ended})")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"Done: {len(due)} erased."))
