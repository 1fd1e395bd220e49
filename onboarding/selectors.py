"""The administrator's own kept workbook (onboarding.models.StagedImport): refused to anyone else,
and after STAGED_FOR. Its content is decrypted only by the import (onboarding.services)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.access import deny
from onboarding.models import STAGED_FOR, StagedImport
from onboarding.services import require_administrator


def staged_for(actor: User, staged_id: object, kind: str = StagedImport.Kind.DIRECTORY) -> StagedImport:
    """The actor's own kept file, within STAGED_FOR or partly written; anyone else's, or none, is
    refused."""
    require_administrator(actor, "onboarding.import")
    staged = kept_for(actor, kind).filter(pk=staged_id).select_related("data_key").first()
    if staged is None:
        deny(actor, action="onboarding.import")
    return staged


def kept_for(actor: User, kind: str) -> QuerySet[StagedImport]:
    """The actor's kept files of this kind that their pages still open: within STAGED_FOR, or a
    people import partly written (kept until it is finished or dropped)."""
    return StagedImport.objects.filter(uploaded_by=actor, kind=kind).filter(
        Q(created_at__gte=timezone.now() - STAGED_FOR) | Q(written__gt=0)
    )


def unfinished_people_import(actor: User) -> StagedImport | None:
    """The administrator's people import waiting to be confirmed or carried on, if any."""
    return kept_for(actor, StagedImport.Kind.PEOPLE).order_by("-created_at").first()
