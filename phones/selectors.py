"""The user's own remembered phones (no personal data: a label and dates)."""

from django.db.models import QuerySet

from accounts.models import User
from phones.models import Phone


def phones_of(user: User) -> QuerySet[Phone]:
    return Phone.objects.filter(user=user, revoked_at__isnull=True)


def phone_of(user: User, phone_id: object) -> Phone | None:
    """One of the user's own phones, or None (another's, or none: the same answer)."""
    try:
        return Phone.objects.filter(user=user, pk=int(phone_id)).first()
    except (TypeError, ValueError):
        return None
