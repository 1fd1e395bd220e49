"""``{% form_fields form %}``: what ``includes/form_fields.html`` renders, to the byte, in Python.

The case page carries several action forms; including that template once per form and walking
each field through the template engine cost more than the widgets themselves (cases.rendering).
tests/cases/test_rendering.py renders the case workflow's forms both ways and compares.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_HELP = '<p class="help"{}>{}</p>'
_ERROR = '<p class="error" role="alert">{}</p>'


@register.simple_tag
def form_fields(form) -> str:
    html = "".join(str(field) for field in form.hidden_fields()) + "\n"
    for field in form.visible_fields():
        errors = field.errors
        has_error = " has-error" if errors else ""
        # Django's own names for what aria-describedby points at (BoundField.aria_describedby).
        auto_id = conditional_escape(field.auto_id or "")
        help_text = ""
        if field.help_text:
            help_id = f' id="{auto_id}_helptext"' if auto_id else ""
            help_text = format_html(_HELP, mark_safe(help_id), field.help_text)  # noqa: S308 (escaped)
        error_text = ""
        if errors:
            error_id = f' id="{auto_id}_error"' if auto_id else ""
            error_text = (
                f"<div{error_id}>" + "".join(format_html(_ERROR, error) for error in errors) + "</div>"
            )
        label = conditional_escape(field.label)
        if field.use_fieldset:  # a group of radio buttons or checkboxes: named by a legend, not a label
            # What Django puts on a single widget (the help, the errors), on the group instead.
            ids = field.aria_describedby
            described = f' aria-describedby="{conditional_escape(ids)}"' if ids else ""
            opening = f'<fieldset class="field{has_error}"{described}>\n    <legend>{label}</legend>'
            closing = "</fieldset>"
        else:
            target = conditional_escape(field.id_for_label or "")
            label_for = f' for="{target}"' if target else ""
            opening = f'<div class="field{has_error}">\n    <label{label_for}>{label}</label>'
            closing = "</div>"
        html += f"\n  {opening}\n    {field}\n    {help_text}\n    {error_text}\n  {closing}\n"
    return mark_safe(html + "\n")  # noqa: S308 (every value escaped above)
