"""Every model change has its migration: a choice added to a shared vocabulary (an organisation
kind) changes the fields that use it in other apps too."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    # --check exits non-zero (SystemExit) when a migration would be made; --dry-run writes nothing.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
