"""The administrator's own kept workbook (onboarding.models.StagedImport): refused to anyone else,
and after STAGED_FOR. Its content is decrypted only by the import (onboarding.services)."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from cases.access import deny
from onboarding.models import STAGED_FOR, StagedImport
from onboarding.services import require_administrator


def staged_for(actor: User, staged_id: object, kind: str = StagedImport.Kind.DIRECTORY) -> StagedImport:
    """The actor's own kept file, within STAGED_FOR or partly written; anyone else's, or none, is
    refused."""
    require_administrator(actor, "onboarding.import")
    staged = (
        StagedImport.objects.filter(pk=staged_id, uploaded_by=actor, kind=kind)
        .filter(Q(created_at__gte=timezone.now() - STAGED_FOR) | Q(written__gt=0))
        .select_related("data_key")
        .first()
    )
    if staged is None:
        deny(actor, action="onboarding.import")
    return staged
