"""Event kinds and their words belong to the app that records them (audit.events.register).

Two apps never overwrite each other's labels: a kind code or a label name another app owns, or
the same one registered again with another meaning, is refused at start-up. audit names no
feature app: where it must recognise one's kind, that kind carries a mark.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from audit import events
from audit.events import COMMON, REGISTRY, VOCABULARIES, Action, EventKind, Mark, register
from audit.models import AuditEvent
from audit.selectors import describe, field_labels
from audit.services import new_event
from tests.guardianship.conftest import matter  # noqa: F401 (a fixture)
from tests.test_architecture import ROOT, imported_apps, our_packages

FEATURE_APPS = ("cases", "referrals", "guardianship")


def vocabularies() -> dict:
    """What is registered, compared by value (labels are lazy: compared in the active language)."""
    return {
        app: (
            dict(v.kinds),
            {
                name: {code: str(label) for code, label in labels.items()}
                for name, labels in v.parameter_labels.items()
            },
            {name: str(label) for name, label in v.field_labels.items()},
        )
        for app, v in VOCABULARIES.items()
    } | {"": dict(REGISTRY)}


@pytest.mark.parametrize(
    ("app", "vocabulary", "refusal"),
    [
        # A second app takes a kind code that cases owns.
        ("intruder", {"kinds": [EventKind("case.reported", Action.CREATE, "x")]}, "belongs to 'cases'"),
        # … or gives a name of audit's common labels (every event's fallback) a meaning of its own.
        (
            "intruder",
            {"parameter_labels": {"locked": {"account": "x"}}},
            "parameter 'locked' belongs to 'audit'",
        ),
        # … or writes into cases' words what guardianship once overwrote them with.
        ("cases", {"field_labels": {"details": "内容"}}, "field 'details' is already registered"),
        ("cases", {"parameter_labels": {"to": {"closed": "完了"}}}, "parameter 'to' = 'closed' is already"),
        # The same code again with another meaning, even by its owner.
        ("cases", {"kinds": [EventKind("case.reported", Action.UPDATE, "x")]}, "another meaning"),
        # audit cannot take a name an app has given its own meaning.
        (COMMON, {"parameter_labels": {"reporter_kind": {"x": "x"}}}, "belongs to 'cases'"),
        # Audit recognises an erasure by its mark: two kinds cannot both carry it.
        (
            "intruder",
            {"kinds": [EventKind("intruder.erased", Action.ERASE, "x", mark=Mark.PERSON_ERASED)]},
            "already carried by 'person.erased'",
        ),
        # One bad entry refuses the whole registration: the good kind beside it is not registered.
        (
            "intruder",
            {
                "kinds": [
                    EventKind("intruder.fine", Action.VIEW, "x"),
                    EventKind("referral.drafted", Action.VIEW, "x"),
                ]
            },
            "'referral.drafted' belongs to 'referrals'",
        ),
    ],
)
def test_a_colliding_registration_is_refused_and_changes_nothing(app, vocabulary, refusal):
    before = vocabularies()
    with pytest.raises(ImproperlyConfigured, match=refusal):
        register(app, **vocabulary)
    assert vocabularies() == before
    assert "intruder" not in VOCABULARIES


def test_registering_the_identical_vocabulary_again_is_harmless():
    before = vocabularies()
    for app in (COMMON, *FEATURE_APPS):
        apps.get_app_config(app).ready()  # as a test that reloads the apps would
    assert vocabularies() == before


def test_each_event_is_shown_in_the_words_of_the_app_that_owns_its_kind(matter):  # noqa: F811
    # As guardianship.services.record_complaint records it (that needs an appointed guardian): the
    # complaint's text is the field "details".
    complaint = new_event(
        "guardianship.updated",
        target=matter,
        case_id=matter.case_id,
        fields=["details"],
        params={"what": "complaint"},
    )
    reported = AuditEvent.objects.get(event="case.reported", case_id=matter.case_id)
    meeting = AuditEvent.objects.filter(event="case.meeting_scheduled").latest("sequence")
    with translation.override("ja"):
        # Both record a field named "details": a concern's in cases, a complaint's in guardianship.
        assert "気付きの内容" in field_labels(reported)
        assert field_labels(complaint) == ["内容"]
        assert describe(complaint) == "案件の記録を更新しました（苦情の受付）"
        # "kind" is a meeting's kind in cases (a candidate's or a document's in guardianship).
        assert describe(meeting) == "会議を設定しました（支援会議（社会福祉法第106条の6））"
        # "from"/"to" are each app's own states.
        transitions = AuditEvent.objects.filter(case_id=matter.case_id, event__endswith=".transitioned")
        shown = {e.event: describe(e) for e in transitions.order_by("sequence")}
    assert shown["case.transitioned"] == "ケースの状態を変更しました（支援会議 → 成年後見）"
    assert (
        AuditEvent.objects.filter(event="case.reported").latest("sequence").kind.app,
        complaint.kind.app,
    ) == ("cases", "guardianship")


def test_the_erasure_and_the_people_shown_are_found_by_their_marks():
    assert {mark: events.kind_marked(mark).app for mark in Mark.ALL} == dict.fromkeys(Mark.ALL, "cases")


def _code_strings(path: Path) -> list[str]:
    """Every string literal of a module except its docstrings (prose, not code)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_audit_imports_no_feature_app_and_names_none_of_their_kinds():
    feature_codes = {code for code, kind in REGISTRY.items() if kind.app != COMMON}
    assert feature_codes, "the feature apps registered no kinds"
    prefixes = {code.split(".")[0] + "." for code in feature_codes}
    assert not prefixes & {code.split(".")[0] + "." for code, kind in REGISTRY.items() if kind.app == COMMON}
    feature_apps = {kind.app for kind in REGISTRY.values()} - {COMMON}
    assert set(FEATURE_APPS) <= feature_apps
    found = []
    for path in sorted((ROOT / "audit").rglob("*.py")):
        imported = imported_apps(path, our_packages()) & feature_apps
        if imported:
            found.append(f"{path.relative_to(ROOT)} imports {sorted(imported)}")
        for text in _code_strings(path):
            named = [name for name in (*prefixes, *(f"{app}." for app in feature_apps)) if name in text] + [
                app for app in feature_apps if text == app
            ]
            if named:
                found.append(f"{path.relative_to(ROOT)}: {text!r} names {named}")
    for path in sorted((ROOT / "templates" / "audit").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)} names {code}" for code in sorted(feature_codes) if code in text]
    assert not found


def test_the_access_report_says_when_the_person_was_erased_by_the_kind_marked_so(client, demo, make_person):
    from cases.services.people import erase_person

    kept, erased = make_person(), make_person()
    erase_person(actor=demo.users["demo_privacy"], person=erased)
    client.force_login(demo.users["demo_privacy"])
    pages = {
        person: client.get(reverse("audit:access_report", args=[person.pk])).content.decode()
        for person in (kept, erased)
    }
    assert "消去済み" in pages[erased] and "消去済み" not in pages[kept]


def test_an_erasure_says_why_in_words(demo, make_person):
    from cases.services.people import erase_person
    from cases.vocabulary import ErasureReason

    erase_person(actor=None, person=make_person(), reason=ErasureReason.RETENTION)
    erasure = AuditEvent.objects.get(event="person.erased")
    with translation.override("ja"):
        assert describe(erasure) == "本人の個人情報を消去しました（保存期間の満了）"
