"""The privacy officer's access report, printed (docs/documents.md): the same events and field
names as its page, never a value of the person's; only for privacy officers; an audited read."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.documents import fields_of, last_printed, params_of, pdf_text
from tests.screens import browser, page
from tests.workflow import take

VALUES = ("佐々木", "トメ", "ささき", "つなぐ市はまかぜ区1-2-3", "息子さんと二人暮らし")


@pytest.fixture
def seen(world, concern):
    """A reported person whose case the plaza took and opened: the trail holds reads of their
    name, kana, address and the concern's text."""
    case = take(world, concern())
    page(browser(world.staff).get(reverse("cases:case_detail", args=[case.pk])))
    return case.person


def url(person) -> str:
    return reverse("audit:access_report_pdf", args=[person.pk])


def test_the_printed_report_names_fields_and_no_value(world, seen):
    officer = browser(world.privacy)
    screen = page(officer.get(reverse("audit:access_report", args=[seen.pk])))
    assert url(seen) in screen and "印刷用PDF" in screen
    text = pdf_text(officer.get(url(seen))).replace("\n", "")
    assert "本人のアクセス報告" in text and str(seen.pk) in text
    assert "ケースを閲覧しました" in text and str(world.staff) in text
    for label in ("氏名", "ふりがな", "住所", "気付きの内容"):  # what was read, by name
        assert label in text, label
    for value in VALUES:
        assert value not in text, value
    organisation = world.privacy.memberships.get().organisation.name
    assert f"印刷者: {world.privacy}（{organisation}）" in text


def test_printing_the_report_is_recorded_with_no_field_of_the_person(world, seen):
    events = AuditEvent.objects.filter(person_id=str(seen.pk)).count()
    browser(world.privacy).get(url(seen))
    printed = last_printed("audit.access_report_printed")
    assert (printed.actor, printed.person_id, printed.purpose) == (
        world.privacy,
        str(seen.pk),
        "disclosure_request",
    )
    assert fields_of(printed) == [] and params_of(printed) == {"count": events}
    assert AuditEvent.objects.filter(event="audit.access_report", person_id=str(seen.pk)).exists()


@pytest.mark.parametrize(
    "who", ["staff", "ward_worker", "coordinator", "agency_worker", "commissioner", "admin"]
)
def test_only_privacy_officers_print_it_and_refusals_are_recorded(world, seen, who):
    client = browser(getattr(world, who))
    before = AuditEvent.objects.count()
    assert client.get(url(seen)).status_code == 403
    last = AuditEvent.objects.latest("sequence")
    assert last.event == "access.denied" and AuditEvent.objects.count() == before + 1
    assert not AuditEvent.objects.filter(event="audit.access_report_printed").exists()
