"""Every statement of referrals written as SQL: asked on every case ending and every case page,
where building them through the ORM cost several times running them (bench/pages.py,
docs/performance.md). Only table names from the models go into the text; values are parameters.
"""

from django.db import connection

from accounts.models import Organisation
from accounts.sql import Columns, read_instances
from cases.models import Case
from referrals.models import OPEN, Referral

_TABLE = connection.ops.quote_name(Referral._meta.db_table)
_ANY_OPEN = (
    f"SELECT 1 FROM {_TABLE} WHERE case_id = %s AND state IN ({', '.join(['%s'] * len(OPEN))}) LIMIT 1"  # noqa: S608
)


def _case_pk(case: Case) -> object:
    return Case._meta.pk.get_db_prep_value(case.pk, connection)


def any_open_referral(case: Case) -> bool:
    """Whether a referral of the case is still open: most cases end with none, so this one probe,
    not the models, is what every ending asks first."""
    with connection.cursor() as cursor:
        cursor.execute(_ANY_OPEN, [_case_pk(case), *OPEN])
        return cursor.fetchone() is not None


_REFERRAL = Columns(Referral, "r", ["case_id", "recipient_id", "state", "accept_by", "referrer_attention"])
_RECIPIENT = Columns(Organisation, "o", ["name"])
_OF_CASE = (
    f"SELECT {_REFERRAL.sql}, {_RECIPIENT.sql} FROM {_TABLE} r "  # noqa: S608
    f"JOIN {connection.ops.quote_name(Organisation._meta.db_table)} o ON o.id = r.recipient_id "
    "WHERE r.case_id = %s ORDER BY r.created_at"
)


def referrals_of_case(case: Case) -> list[Referral]:
    """The case's referrals as the case page's section lists them, oldest first: the columns it
    shows and the recipient's name, no more (a referral's own page reads the rest)."""
    referrals = read_instances(_OF_CASE, [_case_pk(case)], _REFERRAL, recipient=_RECIPIENT)
    for referral in referrals:
        referral.case = case
    return referrals
