"""Each municipality's settings: changed by its system administrator as a new version (history
kept, audited with the settings changed), a stale page refused, bad values refused with what was
typed kept, nobody else let in; and what they change — the concern form's choices, the words for a
mayor's petition, the threshold of small numbers. The demo's second city is configured apart."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from configuration import demo
from configuration.models import MunicipalConfiguration
from configuration.selectors import values_for
from configuration.services import change_configuration
from tests.screens import browser, page


def form_values(**overrides) -> dict:
    from cases.configuration import LEGAL_BASES
    from cases.models import LegalBasis
    from cases.models.meetings import MeetingKind

    values = {
        "version": "0",
        "cases.meeting_kinds": list(MeetingKind.values),
        LEGAL_BASES: list(LegalBasis.objects.filter(is_active=True).values_list("code", flat=True)),
        "cases.signals": ["mail_piling_up", "not_seen"],
        "cases.categories": ["social_isolation", "eighty_fifty", "other"],
        "cases.reporter_kinds": ["commissioner", "neighbour", "agency"],
        "guardianship.mayor_petition_label": "区長申立て",
        "indicators.small_numbers": "10",
        "disaster.escalation_minutes": "90",
        "learning.k_anonymity": "5",
    }
    values.update(overrides)
    return values


def test_the_administrator_makes_a_new_version_and_the_old_one_stays(world):
    admin = browser(world.admin)
    municipality = world.demo.municipality
    html = page(admin.get(reverse("configuration:edit")))
    assert "既定の値で動いています" in html and 'name="version" value="0"' in html
    assert admin.post(reverse("configuration:edit"), form_values()).status_code == 302
    assert (
        admin.post(
            reverse("configuration:edit"), form_values(version="1", **{"indicators.small_numbers": "8"})
        ).status_code
        == 302
    )
    first, second = MunicipalConfiguration.objects.filter(municipality=municipality).order_by("version")
    assert (first.values["indicators.small_numbers"], second.values["indicators.small_numbers"]) == (10, 8)
    assert second.changed == ["indicators.small_numbers"]
    assert values_for(municipality.pk)["cases.signals"] == ["mail_piling_up", "not_seen"]
    events = AuditEvent.objects.filter(event="configuration.changed").order_by("sequence")
    assert [json.loads(e.params)["version"] for e in events] == [1, 2]
    assert json.loads(events[1].fields) == ["configuration.indicators.small_numbers"]
    html = page(admin.get(reverse("configuration:edit")))
    assert "（第2版）" in html and "指標：伏せる小さい数の基準" in html.split('id="configuration-history"')[1]


def test_a_stale_page_gets_a_conflict_and_bad_values_change_nothing(world):
    admin = browser(world.admin)
    admin.post(reverse("configuration:edit"), form_values())
    html = page(
        admin.post(
            reverse("configuration:edit"), form_values(version="0", **{"indicators.small_numbers": "7"})
        )
    )
    assert "他の人が先に設定を変更しました" in html
    for overrides, message in [
        ({"cases.signals": []}, "1個以上選んでください。"),
        ({"cases.signals": ["mail_piling_up", "not_a_sign"]}, "正しく選択してください"),
        ({"indicators.small_numbers": "1"}, "この値は 2 以上でなければなりません。"),
        ({"guardianship.mayor_petition_label": "長" * 41}, "41 文字"),
    ]:
        html = page(admin.post(reverse("configuration:edit"), form_values(version="1", **overrides)))
        assert message in html, overrides
        assert 'value="区長申立て"' in html or "長" * 41 in html  # what was typed is kept
    assert MunicipalConfiguration.objects.count() == 1


def test_nobody_else_changes_settings(world):
    for outsider in (world.staff, world.ward_worker, world.privacy, world.commissioner):
        assert browser(outsider).get(reverse("configuration:edit")).status_code == 403
        assert browser(outsider).post(reverse("configuration:edit"), form_values()).status_code == 403
    with pytest.raises(PermissionDenied):
        change_configuration(
            actor=world.staff, municipality=world.demo.municipality, expected_version=0, values={}
        )
    assert not MunicipalConfiguration.objects.exists()
    assert AuditEvent.objects.filter(event="access.denied", actor=world.staff).count() == 2  # page and post


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_the_settings_change_the_concern_form_the_petition_words_and_the_threshold(world):
    change_configuration(
        actor=world.admin,
        municipality=world.demo.municipality,
        expected_version=0,
        values={
            "cases.signals": ["mail_piling_up", "not_seen"],
            "guardianship.mayor_petition_label": "区長申立て",
            "indicators.small_numbers": 40,
        },
    )
    commissioner = browser(world.commissioner)
    html = page(commissioner.get(reverse("cases:concern_new")))
    assert "郵便物や新聞がたまっている" in html and "姿を見かけない" in html
    assert "においがする" not in html  # not offered here
    refused = page(
        commissioner.post(
            reverse("cases:concern_new"),
            {
                "signals": ["smell"],
                "urgency": "routine",
                "area": world.district.pk,
                "reporter_kind": "commissioner",
            },
        )
    )
    assert "正しく選択してください" in refused
    # The petition words and the threshold, on the indicators page.
    html = page(browser(world.coordinator).get(reverse("indicators:index")))
    assert "区長申立て" in html and "市町村長（市長申立て）" not in html
    html = page(browser(world.ward_worker).get(reverse("indicators:index")))
    assert "40未満の数" in html


def test_the_demos_second_city_is_configured_apart(world):
    with override_settings(DEBUG=True):
        demo.seed(world.demo)
        demo.seed(world.demo)  # again: nothing changes
    assert MunicipalConfiguration.objects.count() == 2
    midori = browser(
        __import__("accounts.models", fromlist=["User"]).User.objects.get(username="demo_midori_commissioner")
    )
    html = page(midori.get(reverse("cases:concern_new")))
    assert "姿を見かけない" in html and "においがする" not in html
    assert "においがする" in page(browser(world.commissioner).get(reverse("cases:concern_new")))


def test_a_city_chooses_its_kinds_of_meeting_and_what_their_attendees_also_undertake(world, concern, soon):
    """The meeting form offers the kinds the city holds; a meeting keeps the undertaking in force
    when it was scheduled, whatever the city sets later."""
    from cases.forms import MeetingForm
    from cases.models.meetings import confidentiality_text
    from tests.workflow import support_meeting, take

    city = world.demo.municipality
    change_configuration(
        actor=world.admin,
        municipality=city,
        expected_version=0,
        values={
            "cases.meeting_kinds": ["support_meeting", "individual_case"],
            "cases.undertaking_support_meeting": "資料は会議の終わりに回収します。",
        },
    )
    case = take(world, concern())
    form = MeetingForm(case=case)
    assert [code for code, _label in form.fields["kind"].choices] == ["support_meeting", "individual_case"]
    refused = MeetingForm({"kind": "multi_agency"}, case=case)
    assert not refused.is_valid() and "kind" in refused.errors
    meeting = support_meeting(world, case, soon)
    assert confidentiality_text(meeting).startswith("この支援会議（社会福祉法第106条の6）")
    assert confidentiality_text(meeting).endswith("資料は会議の終わりに回収します。")
    url = reverse("cases:meeting_detail", args=[meeting.pk])
    assert "資料は会議の終わりに回収します。" in page(browser(world.staff).get(url))
    change_configuration(
        actor=world.admin,
        municipality=city,
        expected_version=1,
        values={"cases.undertaking_support_meeting": "別の文にしました。"},
    )
    meeting.refresh_from_db()
    assert confidentiality_text(meeting).endswith("資料は会議の終わりに回収します。")
    # A city that adds nothing adds nothing; an empty text is allowed, an over-long one is not.
    assert values_for(city.pk)["cases.undertaking_community_care"] == ""
    html = page(
        browser(world.admin).post(
            reverse("configuration:edit"),
            form_values(version="2", **{"cases.undertaking_community_care": "長" * 401}),
        )
    )
    assert "400 文字以下でなければなりません" in html
    assert values_for(city.pk).version == 2
    from django.core.exceptions import ValidationError

    from configuration.services import check_value

    assert check_value("cases.undertaking_community_care", "  ") == ""
    with pytest.raises(ValidationError, match="400文字までで入力してください"):
        check_value("cases.undertaking_community_care", "長" * 401)
    with pytest.raises(ValidationError, match="1文字から40文字までで入力してください"):
        check_value("guardianship.mayor_petition_label", " ")


def test_a_city_chooses_the_legal_bases_its_organisations_share_on(world, concern):
    """A basis the city does not offer is not in the forms, and the service refuses it even when
    asked directly (the API, a stale page); another city still offers it."""
    from cases.exceptions import CaseRuleError
    from cases.forms import legal_bases_for
    from cases.models import LegalBasis
    from cases.services.sharing import check_legal_basis

    everything = set(LegalBasis.objects.filter(is_active=True).values_list("code", flat=True))
    change_configuration(
        actor=world.admin,
        municipality=world.demo.municipality,
        expected_version=0,
        values={"cases.legal_bases": sorted(everything - {"hardship-9"})},
    )
    offered = {basis.code for basis in legal_bases_for(world.plaza)}
    assert "hardship-9" not in offered and "swa-106-6" in offered
    with pytest.raises(CaseRuleError, match="この自治体で共有の根拠として選べるものではありません"):
        check_legal_basis(LegalBasis.objects.get(code="hardship-9"), world.plaza, "第1回")
    check_legal_basis(LegalBasis.objects.get(code="swa-106-6"), world.plaza, "第1回")
    with override_settings(DEBUG=True):
        demo.seed(world.demo)
    midori_plaza = __import__("accounts.models", fromlist=["Organisation"]).Organisation.objects.get(
        name="みどり地域包括支援センター"
    )
    assert "hardship-9" in {basis.code for basis in legal_bases_for(midori_plaza)}
