"""Every ten minutes: while a disaster is declared, the listed persons still without a safety check
after the municipality's escalation time are made known to their checkers and to the ward office
(docs/disaster.md "Escalation")."""

from django.core.management.base import BaseCommand

from accounts.joblock import run_scheduled
from disaster.services import escalate_unchecked


class Command(BaseCommand):
    help = "災害の宣言中、安否の記録がない方を担当者と区役所に知らせます（10分ごと）。"

    def handle(self, *args, **options) -> None:
        def job() -> str:
            declarations, notices = escalate_unchecked()
            return f"{declarations} declarations with unchecked persons, {notices} notifications."

        run_scheduled(self, "escalate_safety_checks", job)
