"""Erase one person's personal data by crypto-shredding (a tombstone row remains)."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from cases.exceptions import CaseRuleError
from cases.models import Person
from cases.services.people import erase_person


class Command(BaseCommand):
    help = "本人の個人情報を消去します（データ鍵を破棄。記録の行は墓標として残ります）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("person_id", type=uuid.UUID)

    def handle(self, *args, person_id: uuid.UUID, **options) -> None:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise CommandError(f"No person with id {person_id}.")
        if person.is_erased:
            self.stdout.write(f"Person {person_id} was already erased at {person.erased_at:%Y-%m-%d %H:%M}.")
            return
        try:
            erase_person(actor=None, person=person)
        except CaseRuleError as refusal:  # an open case: the message says why, in the active language
            raise CommandError(" ".join(refusal.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Person {person_id} erased: data key destroyed, blind indexes removed.")
        )
