from django import forms
from django.utils.translation import gettext_lazy as _

from configuration.registry import Setting
from configuration.selectors import Values


def field_for(setting: Setting) -> forms.Field:
    if setting.kind == "choices":
        return forms.MultipleChoiceField(
            label=setting.label,
            choices=setting.choices(),
            widget=forms.CheckboxSelectMultiple,
            help_text=setting.help,
            error_messages={"required": _("1個以上選んでください。")},
        )
    if setting.kind == "number":
        return forms.IntegerField(
            label=setting.label, min_value=setting.least, max_value=setting.most, help_text=setting.help
        )
    return forms.CharField(
        label=setting.label,
        max_length=setting.most,
        required=setting.least > 0,
        help_text=setting.help,
        # A sentence or two gets a box to read it in; a word, a line.
        widget=forms.Textarea(attrs={"rows": 3}) if setting.most > 100 else None,
    )


class ConfigurationForm(forms.Form):
    """Every registered setting, drawn from the values in force, with the version they are."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, settings: list[Setting], values: Values, **kwargs):
        super().__init__(*args, initial={"version": values.version, **values.by_key}, **kwargs)
        for setting in settings:
            self.fields[setting.key] = field_for(setting)
