"""The case workflow's forms render in Python (cases.rendering, ``{% form_fields %}``) exactly as
Django's templates render them: same bytes, so that the screens and their tests see no change."""

import re

from django import forms as django_forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string

from cases import forms
from cases.actions import CASE_ACTIONS
from cases.models import Consent
from cases.templatetags.case_forms import form_fields
from referrals.forms import ReferralForm
from tests.workflow import shared_on_consent, take

TEMPLATES = DjangoTemplates()


class EveryKindOfField(django_forms.Form):
    text = django_forms.CharField(label="名前 <&>", help_text="説明 <b>", max_length=5)
    hidden = django_forms.IntegerField(widget=django_forms.HiddenInput)
    radio = django_forms.ChoiceField(
        choices=[(1, "一"), (2, "二 & 三")], widget=django_forms.RadioSelect, help_text="一つ <選ぶ>"
    )
    boxes = django_forms.MultipleChoiceField(
        choices=[("群", [(1, "<一>"), (2, "二")]), (3, "三")],
        widget=django_forms.CheckboxSelectMultiple,
        required=False,
    )
    choice = django_forms.ChoiceField(choices=[("", "---"), ("群", [("a", "甲")]), ("b", '乙"')])
    note = django_forms.CharField(widget=django_forms.Textarea, initial="  行\n<末>")
    day = django_forms.DateField(widget=django_forms.DateInput(attrs={"type": "date", "disabled": True}))
    agree = django_forms.BooleanField(required=False)


def assert_same(form) -> None:
    for field in form:
        widget = field.field.widget
        context = widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}))
        assert forms.WIDGETS.render(widget.template_name, context) == TEMPLATES.render(
            widget.template_name, context
        ), field.name
    assert str(form_fields(form)) == render_to_string("includes/form_fields.html", {"form": form})


def test_every_kind_of_widget_and_field_renders_as_the_templates_do(db):
    assert_same(EveryKindOfField())
    assert_same(EveryKindOfField({"text": "長すぎる名前", "radio": "2", "boxes": ["1", "3"], "choice": "b"}))
    assert_same(EveryKindOfField(auto_id=False))
    assert_same(EveryKindOfField({"radio": "9", "boxes": ["7"]}))  # a group's errors


def test_a_group_of_choices_is_named_by_a_legend_and_nothing_points_nowhere(db):
    """A radio group's or a checkbox group's name is its fieldset's legend — a label for the
    group would point at no control (``for=""``) — and every aria-describedby names an element
    the form has (Django's ``_helptext`` and ``_error`` ids)."""
    for form in (EveryKindOfField({"radio": "9", "text": "長すぎる名前"}), EveryKindOfField(auto_id=False)):
        html = str(form_fields(form))
        assert 'for=""' not in html
        assert re.search(r'<fieldset class="field[^"]*"[^>]*>\s*<legend>Radio</legend>', html)
        ids = set(re.findall(r' id="([^"]+)"', html))
        for described in re.findall(r'aria-describedby="([^"]+)"', html):
            assert set(described.split()) <= ids, described
    html = str(form_fields(EveryKindOfField({"radio": "9"})))
    assert 'aria-describedby="id_radio_helptext id_radio_error"' in html


def test_the_case_actions_forms_render_as_the_templates_do(world, concern):
    case = take(world, concern())
    shared_on_consent(world, case, world.agency, ["identity"], purpose=Consent.Purpose.SHARING)
    for _codename, action in CASE_ACTIONS.values():
        kwargs = action.form_kwargs(case, world.staff) if action.form_kwargs else {}
        assert_same(action.form_class(**kwargs))
    assert_same(ReferralForm(case=case))
