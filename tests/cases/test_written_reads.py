"""The case page's reads written as SQL (cases.access, referrals.sql) against the ORM statements
they stand for, on the demo's fullest case: the same rows, in the same order, with the same
values — encrypted fields decrypted, dates aware, the related names filled in — so that writing
them by hand for speed (bench/pages.py) changed nothing the page shows."""

import pytest
from django.db.models import OuterRef, Subquery

from audit.models import AuditEvent
from cases import access
from cases.models import (
    Case,
    CaseState,
    Concern,
    ConcernCategoryTag,
    ConcernSignal,
    Consent,
    Decision,
    Disclosure,
    ProgressEntry,
    SupportMeeting,
)
from referrals.models import Referral
from referrals.sql import referrals_of_case
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)


@pytest.fixture
def case(demo_data):  # noqa: F811
    found = Case.objects.get(state=CaseState.REFERRED, lead_organisation=demo_data.plaza)
    assert ProgressEntry.objects.filter(case=found).exists()  # the fullest: every read has rows
    return found


def values(instances, names):
    return [tuple(getattr(instance, name) for name in names) for instance in instances]


def test_the_case_comes_with_its_person_key_area_and_lead(case):
    written = access.case_with_person(case.pk)
    orm = Case.objects.select_related("person__data_key", "area", "lead_organisation").get(pk=case.pk)
    fields = [f.attname for f in Case._meta.concrete_fields]
    assert values([written], fields) == values([orm], fields)
    assert written.person.name == orm.person.name and written.person.kana == orm.person.kana  # decrypted
    assert written.person.data_key.pk == orm.person.data_key.pk
    assert (written.area.name, written.lead_organisation.name) == (orm.area.name, orm.lead_organisation.name)
    assert access.case_with_person("00000000-0000-0000-0000-000000000000") is None


def test_the_case_comes_with_what_each_reader_holds_on_it(case, demo_data):  # noqa: F811
    """The case page's first read (case_held_with_person) answers as held_case_permissions does,
    for every demo user — the lead, those shared with, those with nothing — and an expired grant
    found on the way is revoked and not honoured."""
    from django.utils import timezone

    from accounts.models import User
    from cases.models import CaseAccessGrant

    holders = set()
    for user in User.objects.filter(is_active=True):
        read, held = access.case_held_with_person(user, case.pk)
        assert read.pk == case.pk and read.person.name == case.person.name
        assert held == access.held_case_permissions(user, case)
        holders |= {user.pk} if held else set()
    assert len(holders) > 1 and holders != set(User.objects.values_list("pk", flat=True))
    assert access.case_held_with_person(demo_data.staff, "00000000-0000-0000-0000-000000000000") == (
        None,
        set(),
    )

    shared = CaseAccessGrant.objects.filter(case=case, revoked_at=None, organisation__isnull=False).exclude(
        reason=CaseAccessGrant.Reason.OWNER
    )
    grant = shared.first()
    member = User.objects.filter(memberships__organisation=grant.organisation).first()
    assert "view_case" in access.case_held_with_person(member, case.pk)[1]
    shared.filter(pk=grant.pk).update(expires_at=timezone.now())
    _read, held = access.case_held_with_person(member, case.pk)
    grant.refresh_from_db()
    assert grant.revoked_at is not None  # revoked on the way, in a transaction of its own
    assert held == access.held_case_permissions(member, case)


def test_grants_disclosures_and_consents(case):
    grants = access.send_live_grants_of_case(case.pk)()
    orm = list(access.live_grants().filter(case=case).select_related("organisation", "user").order_by("pk"))
    names = ["pk", "organisation_id", "user_id", "level", "field_groups", "reason", "expires_at"]
    assert grants and values(grants, names) == values(orm, names)
    assert [str(g.organisation or g.user) for g in grants] == [str(g.organisation or g.user) for g in orm]

    disclosures = access.send_disclosures_of_case(case)()
    orm = list(
        Disclosure.objects.filter(case=case).select_related("recipient", "legal_basis", "disclosed_by")
    )
    names = ["pk", "disclosed_at", "field_groups", "recipient_id", "legal_basis_id"]
    assert disclosures and values(disclosures, names) == values(orm, names)
    assert [(d.recipient.name, d.legal_basis.name, str(d.disclosed_by)) for d in disclosures] == [
        (d.recipient.name, d.legal_basis.name, str(d.disclosed_by)) for d in orm
    ]

    consents = access.send_consents_of_case(case)()
    orm = list(Consent.objects.filter(case=case).order_by("recorded_at", "pk").prefetch_related("recipients"))
    names = ["pk", "purpose", "method", "obtained_on", "valid_until", "recorded_at", "withdrawn_at"]
    assert consents and values(consents, names) == values(orm, names)
    assert [c.recipient_names for c in consents] == [
        [o.name for o in c.recipients.order_by("kind", "name")] for c in orm
    ]
    assert [str(c.obtained_by) for c in consents] == [str(c.obtained_by) for c in orm]
    Consent.recipients.through.objects.filter(consent__case=case).delete()
    assert all(c.recipient_names == [] for c in access.send_consents_of_case(case)())


def test_concerns_their_tags_and_meetings(case):
    concerns = access.send_concerns_of_case(case)()
    orm = list(case.concerns.order_by("created_at"))
    names = [f.attname for f in Concern._meta.concrete_fields]
    assert concerns and values(concerns, names) == values(orm, names)  # details decrypted alike
    # Each concern's codes in the order recorded, read with it.
    assert [c.signal_codes for c in concerns] == [
        list(ConcernSignal.objects.filter(concern=c).order_by("id").values_list("code", flat=True))
        for c in orm
    ]
    assert [c.category_codes for c in concerns] == [
        list(ConcernCategoryTag.objects.filter(concern=c).order_by("id").values_list("code", flat=True))
        for c in orm
    ]
    assert any(c.signal_codes for c in concerns) and any(c.category_codes for c in concerns)
    # None at all reads as an empty list (PostgreSQL's aggregate of no rows is NULL, SQLite's "[]").
    ConcernSignal.objects.filter(concern__in=orm).delete()
    assert all(c.signal_codes == [] for c in access.send_concerns_of_case(case)())

    meetings = access.send_meetings_of_case(case)()
    decided = Subquery(Decision.objects.filter(meeting=OuterRef("pk")).values("outcome")[:1])
    orm = list(SupportMeeting.objects.filter(case=case).annotate(outcome=decided))
    names = ["pk", "kind", "scheduled_for", "held_at", "created_at", "outcome"]
    assert meetings and values(meetings, names) == values(orm, names)
    assert any(m.outcome for m in meetings)


def test_transitions_progress_and_referrals(case, demo_data):  # noqa: F811
    events = access.send_transitions_of_case(case)()
    orm = list(
        AuditEvent.objects.filter(case_id=str(case.pk), event="case.transitioned")
        .select_related("actor")
        .order_by("occurred_at")
    )
    assert events and values(events, ["pk", "occurred_at", "params"]) == values(
        orm, ["pk", "occurred_at", "params"]
    )
    assert [str(e.actor) for e in events] == [str(e.actor) for e in orm]

    entries = access.send_progress_entries_of_case(case)()
    orm = list(
        ProgressEntry.objects.filter(case=case)
        .select_related("written_by", "organisation")
        .order_by("recorded_at")
    )
    names = [
        "pk",
        "kind",
        "occurred_at",
        "counterpart",
        "counterpart_note",
        "text",
        "corrects_id",
        "correction_reason",
    ]
    assert entries and values(entries, names) == values(orm, names)  # decrypted alike
    assert [(str(e.written_by), e.organisation.name) for e in entries] == [
        (str(e.written_by), e.organisation.name) for e in orm
    ]
    # A member of a commissioners' council reads none, whatever their grants.
    assert access.send_progress_entries_of_case(case, unless_commissioner=demo_data.commissioner)() == []
    assert access.send_progress_entries_of_case(case, unless_commissioner=demo_data.staff)() != []

    referrals = referrals_of_case(case)
    orm = list(Referral.objects.filter(case=case).select_related("recipient").order_by("created_at"))
    names = ["pk", "state", "accept_by", "referrer_attention"]
    assert referrals and values(referrals, names) == values(orm, names)
    assert [r.recipient.name for r in referrals] == [r.recipient.name for r in orm]


def test_reads_sent_together_give_what_each_gives_alone(case):
    """The case page sends its reads together (accounts.sql.sent_together: psycopg's pipeline mode
    on PostgreSQL, each read as it is sent on SQLite): each read gives what it gives alone, its
    encrypted fields decrypted, whether read inside the block or after it."""
    from accounts.sql import sent_together

    readers = [access.send_concerns_of_case, access.send_consents_of_case, access.send_transitions_of_case]
    alone = [send(case)() for send in readers]
    with sent_together():
        sent = [send(case) for send in readers]
        first = sent[0]()  # read inside: the answers come back together
    together = [first, *(read() for read in sent[1:])]
    assert [[row.pk for row in rows] for rows in together] == [[row.pk for row in rows] for rows in alone]
    assert all(rows for rows in together)
    assert together[0][0].details == alone[0][0].details  # decrypted under the case's person's key
    assert [c.recipient_names for c in together[1]] == [c.recipient_names for c in alone[1]]


@pytest.mark.django_db
def test_a_failed_read_sent_together_is_raised_and_leaves_the_connection_usable():
    from django.db import DatabaseError, transaction

    from accounts.sql import send_rows, sent_together

    with pytest.raises(DatabaseError, match="no_such_column"):  # Django's error, not the driver's
        with transaction.atomic(), sent_together():  # the test's transaction: back to a savepoint
            send_rows("SELECT 1", [])
            send_rows("SELECT no_such_column FROM cases_case", [])
    assert send_rows("SELECT 2", [])() == [(2,)]  # the connection still answers


def test_the_case_page_sends_its_reads_after_the_grants_together(case, demo_data):  # noqa: F811
    """On PostgreSQL the case page waits for the database far fewer times than it sends
    statements: its live grants travel with the read of the case, and its content, disclosures,
    consents, transitions and progress entries in one round trip (docs/performance.md). SQLite has
    no round trips: there the page's statements are the same ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.screens import browser, page
    from tests.statements import round_trips

    client = browser(demo_data.staff)
    url = reverse("cases:case_detail", args=[case.pk])
    page(client.get(url))  # warm: the session, the per-process caches
    with CaptureQueriesContext(connection) as queries:
        if connection.vendor == "postgresql":
            waits = round_trips(lambda: page(client.get(url)))
        else:
            page(client.get(url))
    sent = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))]
    for table in ("cases_concern", "cases_consent", "cases_disclosure", "audit_auditevent"):
        assert any(f'FROM "{table}"' in sql for sql in sent), table  # each is read
    assert any('FROM "cases_progressentry"' in sql for sql in sent)
    assert any('grant_row."field_groups"' in sql for sql in sent)  # the live grants
    if connection.vendor == "postgresql":
        # Sent together, each group waited for once: the user and their second-factor device, the
        # case and its grants, the six reads of its content, the chain's lock and its head. Every
        # other statement waits once.
        assert waits <= len(sent) - (1 + 1 + 5 + 1), (waits, len(sent))


def test_the_case_page_revokes_a_grant_that_ran_out_before_it_answers(case, demo_data):  # noqa: F811
    """The page sends the case's grants with the read of the case; a time-boxed grant that has run
    out unrevoked is revoked there (in a transaction of its own, inside the statements sent
    together on PostgreSQL) and gives nothing: its holder is refused, and the case's access as
    its lead sees it no longer names them."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from cases.access import grant_access
    from cases.models import AccessLevel, CaseAccessGrant
    from tests.screens import browser, page

    url = reverse("cases:case_detail", args=[case.pk])
    outsider = next(
        u
        for u in User.objects.filter(is_active=True, is_superuser=False, memberships__isnull=False)
        if not access.case_held_with_person(u, case.pk)[1]
    )
    grant = grant_access(
        case=case,
        granted_by=None,
        user=outsider,
        level=AccessLevel.VIEW,
        reason=CaseAccessGrant.Reason.DISCLOSURE,
        field_groups=["concern"],
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    holder, lead = browser(outsider), browser(demo_data.staff)

    def access_listed() -> str:  # the case's live access on its lead's page
        return page(lead.get(url)).split("/access/end/")[1].split("</form>")[0]

    page(holder.get(url))  # the grant lets them in
    assert str(outsider) in access_listed()
    CaseAccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    # The lead's page is the first to meet it: it revokes the grant and does not list it.
    assert str(outsider) not in access_listed()
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert holder.get(url).status_code in (302, 403, 404)  # and its holder is refused
