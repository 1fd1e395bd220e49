"""Erase the personal data of people whose record was last in use longer ago than the retention period:
their last case ended then, or, never having had a case, they were recorded then."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.joblock import run_scheduled
from cases.exceptions import CaseRuleError
from cases.services.people import erase_person, people_due_for_erasure
from cases.vocabulary import ErasureReason


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
            help=(
                "Retention period in years after the last case ended, or after a person without a case "
                "was recorded (default: TSUNAGU_RETENTION_YEARS, 5)."
            ),
        )

    def handle(self, *args, dry_run: bool, years: int, **options) -> None:
        run_scheduled(self, "apply_retention", lambda: self.retain(dry_run=dry_run, years=years))

    def retain(self, *, dry_run: bool, years: int) -> str:
        due = list(people_due_for_erasure(now=timezone.now(), years=years).only("id", "erased_at"))
        # A fixed list, erased one by one: an interruption leaves the rest for the next run.
        verb, skipped = ("Would erase" if dry_run else "Erasing"), 0
        self.stdout.write(f"{verb} {len(due)} people last in use more than {years} years ago.")
        for number, person in enumerate(due, start=1):
            last = f"{person.last_activity:%Y-%m-%d}"
            if dry_run:
                self.stdout.write(f"  {person.pk}  last in use {last}")
                continue
            try:
                erase_person(actor=None, person=person, reason=ErasureReason.RETENTION)
            except CaseRuleError:  # a case was opened or reopened since the list was made
                skipped += 1
                self.stdout.write(f"  [{number}/{len(due)}] {person.pk} kept: a case is open again")
                continue
            self.stdout.write(f"  [{number}/{len(due)}] {person.pk} erased (last in use {last})")
        if dry_run:
            return f"{len(due)} would be erased (dry run)."
        self.stdout.write(self.style.SUCCESS(f"Done: {len(due) - skipped} erased, {skipped} kept."))
        return f"{len(due) - skipped} erased, {skipped} kept."
