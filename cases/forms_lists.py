"""The lists' tabs, filters and sort order, read from the URL (GET): codes and ids only, never a
name. A value that is not on offer is dropped with a message, and the list shows without it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import CaseState
from cases.selectors.lists import URGENCY_CHOICES, ListChoices, ListQuery, ListSort, ListTab

NOT_ON_OFFER = {"invalid_choice": _("選べない値が指定されたため、この条件を外して表示しています。")}
ANY = [("", _("すべて"))]


class TabForm(forms.Form):
    """A list's status tab (対応中 / 見守り / 終結・取下げ for cases; a list of another kind names its
    own ``tabs`` — their CHOICES and the STATES under each — and the ``make_query`` it fills)."""

    tabs = ListTab
    make_query = ListQuery

    tab = forms.ChoiceField(label=_("状況"), required=False, error_messages=NOT_ON_OFFER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tab"].choices = self.tabs.CHOICES

    def query(self, **pages: object):
        """What was asked, without what could not be understood (its error stays on the form);
        each page number as given (``page=``, ``sent_page=`` …), read by ``known_page``."""
        self.is_valid()
        given = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return self.make_query(**given, **{name: value or 1 for name, value in pages.items()})

    def clean(self):
        data = super().clean()
        tab = data.get("tab") or self.make_query.tab
        if data.get("state") and data["state"] not in self.tabs.STATES[tab]:
            self.add_error("state", _("この状況の一覧にない状態です。状態の条件を外して表示しています。"))
            data.pop("state", None)
        return data


class CaseListForm(TabForm):
    """The inbox's filters: state (within the tab), area, urgency, lead organisation, and the order."""

    state = forms.ChoiceField(
        label=_("状態"), choices=ANY + list(CaseState.choices), required=False, error_messages=NOT_ON_OFFER
    )
    area = forms.TypedChoiceField(
        label=_("地域"), coerce=int, empty_value=None, required=False, error_messages=NOT_ON_OFFER
    )
    urgency = forms.ChoiceField(
        label=_("緊急度"), choices=ANY + URGENCY_CHOICES, required=False, error_messages=NOT_ON_OFFER
    )
    lead = forms.TypedChoiceField(
        label=_("主担当の組織"), coerce=int, empty_value=None, required=False, error_messages=NOT_ON_OFFER
    )
    sort = forms.ChoiceField(
        label=_("並び順"), choices=ListSort.CHOICES, required=False, error_messages=NOT_ON_OFFER
    )

    def __init__(self, *args, choices: ListChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tab"].widget = forms.HiddenInput()  # the tabs are links; the filters keep the tab
        self.fields["area"].choices = ANY + [(area.pk, area.name) for area in choices.areas]
        self.fields["lead"].choices = ANY + [(org.pk, org.name) for org in choices.leads]


def tabs(choices: list, counts: dict, current: str) -> list[dict]:
    """The tabs above a list: code, label, count, and whether it is the one shown."""
    return [
        {"code": code, "label": label, "count": counts.get(code, 0), "current": code == current}
        for code, label in choices
    ]


def case_tabs(page) -> list[dict]:
    """The tabs of a case list (対応中 / 見守り / 終結・取下げ)."""
    return tabs(ListTab.CHOICES, page.tab_counts, page.query.tab)
