from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms_lists import NOT_ON_OFFER
from indicators.selectors import years_offered


class YearForm(forms.Form):
    """The fiscal year asked for in the URL (``?year=2026``); one not on offer is dropped with a
    message, and this year's figures shown."""

    year = forms.TypedChoiceField(
        label=_("年度"), coerce=int, empty_value=None, required=False, error_messages=NOT_ON_OFFER
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years_offered()

    def asked_year(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_valid() else None
