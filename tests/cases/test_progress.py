"""The progress record (支援経過): who reads and writes it, corrections that keep the earlier
version (記録の訂正), input that is refused and kept, and the trail of every read and write."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from audit.models import AuditEvent
from cases.access import grant_access
from cases.exceptions import CaseRuleError, Conflict
from cases.models import AccessLevel, Case, CaseAccessGrant, CaseState, ImmutableEntry, ProgressEntry
from cases.services.progress import correct_progress, record_progress
from tests.screens import browser, page
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)
from tests.statements import assert_reads_once
from tests.workflow import shared_on_consent, take

VISIT_TEXT = "自宅を訪問。長男と同席で話を聞いた。"


@pytest.fixture
def case(world, concern):
    """A case the demo plaza leads."""
    return take(world, concern())


def _form(**overrides) -> dict:
    moment = timezone.localtime() - datetime.timedelta(hours=2)
    return {
        "kind": "visit",
        "occurred_on": f"{moment:%Y-%m-%d}",
        "occurred_time": f"{moment:%H:%M}",
        "counterpart": "family",
        "counterpart_note": "長男",
        "text": VISIT_TEXT,
        "link": "",
        **overrides,
    }


def _entry(world, case, text=VISIT_TEXT) -> ProgressEntry:
    return record_progress(
        actor=world.staff,
        case=case,
        kind="visit",
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        counterpart="family",
        counterpart_note="長男",
        text=text,
    )


def _events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name).order_by("sequence"))


def _case_url(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


# --- who writes and who reads ------------------------------------------------------------------


def test_the_plaza_lead_writes_an_entry_and_reads_it_on_the_case_timeline(world, case):
    staff = browser(world.staff)
    response = staff.post(reverse("cases:case_progress", args=[case.pk]), _form())
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(case=case)
    assert (entry.text, entry.kind, entry.counterpart, entry.written_by, entry.organisation) == (
        VISIT_TEXT,
        "visit",
        "family",
        world.staff,
        world.plaza,
    )
    html = page(staff.get(_case_url(case)))
    timeline = html[html.index('class="timeline"') :]
    assert VISIT_TEXT in timeline and "訪問" in timeline and "長男" in timeline
    assert f'id="entry-{entry.pk}"' in timeline
    # The read is recorded with the case page's other fields: names, never the text.
    viewed = _events("case.viewed")[-1]
    assert "progress.text" in json.loads(viewed.fields)
    assert VISIT_TEXT not in viewed.params + viewed.fields


def test_an_agency_reads_the_record_only_when_the_notes_were_shared_and_never_writes(world, case):
    _entry(world, case)
    shared_on_consent(world, case, world.agency, ["identity", "notes"])
    shared_on_consent(world, case, world.anshin, ["identity", "concern"])

    with_notes = browser(world.agency_worker)
    html = page(with_notes.get(_case_url(case)))
    assert VISIT_TEXT in html
    assert "支援経過を記録する" not in html and "この記録を訂正する" not in html  # a view grant: no writing
    assert "progress.text" in json.loads(_events("case.viewed")[-1].fields)
    refused = with_notes.post(reverse("cases:case_progress", args=[case.pk]), _form(text="書けないはず"))
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):  # the service asks again, whoever calls it
        record_progress(
            actor=world.agency_worker,
            case=case,
            kind="phone",
            occurred_at=timezone.now(),
            counterpart="person",
            text="書けないはず",
        )

    without_notes = browser(world.anshin_worker)
    html = page(without_notes.get(_case_url(case)))
    assert VISIT_TEXT not in html and "支援経過" not in html  # not a trace, not a count
    assert "progress.text" not in json.loads(_events("case.viewed")[-1].fields)
    assert ProgressEntry.objects.filter(case=case).count() == 1


def test_the_commissioner_who_reported_it_sees_nothing_of_the_record(world, case):
    _entry(world, case)
    commissioner = browser(world.commissioner)
    assert commissioner.get(_case_url(case)).status_code == 403
    mine = page(commissioner.get(reverse("cases:my_concerns")))
    assert VISIT_TEXT not in mine and "支援経過" not in mine
    refused = commissioner.post(reverse("cases:case_progress", args=[case.pk]), _form(text="書けないはず"))
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        record_progress(
            actor=world.commissioner,
            case=case,
            kind="phone",
            occurred_at=timezone.now(),
            counterpart="person",
            text="書けないはず",
        )
    assert ProgressEntry.objects.filter(case=case).count() == 1


def test_notes_shared_with_the_commissioners_council_still_show_no_entry(world, case):
    """Should a lead share the notes with the council, its commissioner still reads no entry."""
    _entry(world, case)
    council = Organisation.objects.get(memberships__user=world.commissioner)
    shared_on_consent(world, case, council, ["identity", "notes"])
    html = page(browser(world.commissioner).get(_case_url(case)))
    assert VISIT_TEXT not in html and "支援経過" not in html
    assert "progress.text" not in json.loads(_events("case.viewed")[-1].fields)


# --- corrections ---------------------------------------------------------------------------------


def test_a_correction_keeps_the_earlier_version_with_who_corrected_it_and_when(world, case):
    entry = _entry(world, case, text="自宅を訪問。長女と話した。")
    staff = browser(world.staff)
    url = reverse("cases:progress_correct", args=[case.pk, entry.pk])
    form = page(staff.get(url))
    assert "自宅を訪問。長女と話した。" in form  # filled with the version it corrects
    response = staff.post(url, _form(text=VISIT_TEXT, reason="続柄の誤り"))
    assert response.status_code == 302

    earlier, correction = ProgressEntry.objects.filter(case=case).order_by("recorded_at")
    assert earlier.pk == entry.pk and earlier.text == "自宅を訪問。長女と話した。"  # unchanged, still there
    assert correction.corrects_id == entry.pk and correction.text == VISIT_TEXT
    assert correction.written_by == world.staff and correction.correction_reason == "続柄の誤り"

    html = page(staff.get(_case_url(case)))
    struck = html[html.index('class="progress-corrected"') :]
    assert "<del>" in struck and "自宅を訪問。長女と話した。" in struck.split("</del>")[0]
    assert f"{timezone.localtime(correction.recorded_at):%Y-%m-%d %H:%M} に {world.staff} が訂正" in struck
    assert html.count(f'id="entry-{correction.pk}"') == 1 and f'id="entry-{entry.pk}"' not in html

    # The corrected version is corrected once: a second correction of it is a conflict.
    with pytest.raises(Conflict):
        correct_progress(
            actor=world.staff,
            entry=earlier,
            kind="visit",
            occurred_at=earlier.occurred_at,
            counterpart="family",
            text="別の訂正",
            reason="重ねて訂正",
        )
    assert ProgressEntry.objects.filter(case=case).count() == 2


def test_an_entry_is_never_changed_or_removed_in_place(world, case):
    entry = _entry(world, case)
    entry.text = "書き換え"
    with pytest.raises(ImmutableEntry):
        entry.save()
    with pytest.raises(ImmutableEntry):
        entry.delete()
    assert ProgressEntry.objects.get(pk=entry.pk).text == VISIT_TEXT


def test_only_a_reader_of_the_record_may_correct_it(world, case):
    entry = _entry(world, case)
    shared_on_consent(world, case, world.agency, ["identity", "notes"])  # reads, does not write
    agency = browser(world.agency_worker)
    url = reverse("cases:progress_correct", args=[case.pk, entry.pk])
    assert agency.get(url).status_code == 403
    assert agency.post(url, _form(reason="訂正")).status_code == 403
    # An agency that takes part (a referral's contributor grant) without the notes field group
    # writes entries but corrects none: it would correct what it cannot read.
    grant_access(
        case=case,
        organisation=world.anshin,
        level=AccessLevel.CONTRIBUTE,
        reason=CaseAccessGrant.Reason.REFERRAL,
        field_groups=["identity"],
        granted_by=world.staff,
    )
    contributor = browser(world.anshin_worker)
    assert contributor.post(reverse("cases:case_progress", args=[case.pk]), _form()).status_code == 302
    assert contributor.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        correct_progress(
            actor=world.anshin_worker,
            entry=entry,
            kind="visit",
            occurred_at=entry.occurred_at,
            counterpart="family",
            text="読めない記録の訂正",
            reason="訂正",
        )
    assert ProgressEntry.objects.filter(case=case, corrects__isnull=False).count() == 0


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_on": "2030-01-01"}, "occurred_on"),
        ({"occurred_on": "令和元年2月30日"}, "occurred_on"),
        ({"text": "   "}, "text"),
        ({"kind": "gossip"}, "kind"),
    ],
)
def test_bad_input_changes_nothing_and_comes_back_with_what_was_typed(world, case, overrides, field):
    staff = browser(world.staff)
    typed = _form(text="この内容は消えてはいけない", **{k: v for k, v in overrides.items() if k != "text"})
    if "text" in overrides:
        typed["counterpart_note"] = "消えてはいけない補足"
        typed["text"] = overrides["text"]
    html = page(staff.post(reverse("cases:case_progress", args=[case.pk]), typed))
    assert ProgressEntry.objects.filter(case=case).count() == 0
    assert not _events("case.progress_recorded")
    form = html[html.index('<form method="post" action="/cases/') :]  # the form's own page
    kept = typed["text"] if typed["text"].strip() else typed["counterpart_note"]
    assert kept in form
    # The error sits in the field's own block.
    block = form[form.index(f'for="progress-{field}') :]
    block = block[: block.index('<div class="field')] if '<div class="field' in block else block
    assert 'class="error"' in block, block


def test_a_future_moment_is_refused_by_the_service_too(world, case):
    with pytest.raises(CaseRuleError) as refused:
        record_progress(
            actor=world.staff,
            case=case,
            kind="phone",
            occurred_at=timezone.now() + datetime.timedelta(hours=3),
            counterpart="person",
            text="まだ起きていない電話",
        )
    assert "occurred_at" in refused.value.message_dict
    assert ProgressEntry.objects.count() == 0


def test_a_bad_correction_keeps_the_input_and_the_earlier_version(world, case):
    entry = _entry(world, case)
    staff = browser(world.staff)
    url = reverse("cases:progress_correct", args=[case.pk, entry.pk])
    html = page(staff.post(url, _form(text="直した内容", occurred_on="2030-04-01", reason="日付の誤り")))
    assert "直した内容" in html and "日付の誤り" in html and "今日より後の日付は入力できません。" in html
    missing_reason = page(staff.post(url, _form(text="直した内容", reason="")))
    assert "直した内容" in missing_reason and 'class="error"' in missing_reason
    assert list(ProgressEntry.objects.filter(case=case)) == [entry]
    assert not _events("case.progress_corrected")


def test_a_link_to_another_cases_meeting_is_refused(world, case, concern, soon):
    from tests.workflow import support_meeting

    other = take(world, concern(identity={"name": "別の 人"}))
    meeting = support_meeting(world, other, soon)
    with pytest.raises(CaseRuleError) as refused:
        record_progress(
            actor=world.staff,
            case=case,
            kind="agency_conference",
            occurred_at=timezone.now(),
            counterpart="agency",
            text="会議の前の協議",
            meeting_id=meeting.pk,
        )
    assert "meeting" in refused.value.message_dict
    assert ProgressEntry.objects.count() == 0


# --- the audit trail -------------------------------------------------------------------------------


def test_every_write_is_audited_with_field_names_only(world, case):
    entry = _entry(world, case)
    correct_progress(
        actor=world.staff,
        entry=entry,
        kind="visit",
        occurred_at=entry.occurred_at,
        counterpart="family",
        counterpart_note="長男",
        text="訂正後の内容",
        reason="聞き取りの誤り",
    )
    (recorded,) = _events("case.progress_recorded")
    (corrected,) = _events("case.progress_corrected")
    assert sorted(json.loads(recorded.fields)) == [
        "counterpart",
        "counterpart_note",
        "kind",
        "occurred_at",
        "text",
    ]
    assert sorted(json.loads(corrected.fields)) == ["correction_reason", "text"]  # what changed, by name
    assert json.loads(corrected.params)["corrects"] == str(entry.pk)
    for event in (recorded, corrected):
        assert event.case_id == str(case.pk)
        for value in (VISIT_TEXT, "訂正後の内容", "聞き取りの誤り", "長男"):
            assert value not in event.params + event.fields


# --- the case page's cost --------------------------------------------------------------------------


def test_the_case_page_reads_the_record_in_one_statement_within_twenty(demo_data):  # noqa: F811
    """The demo's referred case has entries and a correction; its page stays within the limit."""
    case = Case.objects.get(state=CaseState.REFERRED, lead_organisation=demo_data.plaza)
    assert ProgressEntry.objects.filter(case=case).count() >= 2
    staff = browser(demo_data.staff)
    assert_reads_once(staff, _case_url(case))
    with CaptureQueriesContext(connection) as ctx:
        html = page(staff.get(_case_url(case)))
    assert len([q for q in ctx.captured_queries if 'FROM "cases_progressentry"' in q["sql"]]) == 1
    assert "progress-entry" in html
