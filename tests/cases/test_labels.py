"""Choice labels as the pages' selectors write them (cases.selectors.labels): translated once per
process and language, each in the language of the request that shows it — as Django's
``get_…_display`` and a choice's ``label`` would give it."""

from django.utils import translation

from cases.models import CaseState, Concern
from cases.selectors.labels import choice_label, display


def test_labels_are_in_the_language_they_are_shown_in():
    concern = Concern(urgency="urgent")
    shown = {}
    for language in ("ja", "en", "ja", "en"):  # each language after the other has been kept
        with translation.override(language):
            assert choice_label(CaseState.REFERRED) == str(CaseState.REFERRED.label)
            assert display(concern, "urgency") == concern.get_urgency_display()
            shown.setdefault(language, (choice_label(CaseState.REFERRED), display(concern, "urgency")))
    assert shown["ja"] == ("つなぎ済み", "至急（命や安全にかかわる）")
    assert shown["en"] != shown["ja"]


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert display(Concern(urgency="not-a-choice"), "urgency") == "not-a-choice"
