"""``{% form_fields form %}``: what ``includes/form_fields.html`` renders, to the byte, in Python.

The case page carries several action forms; including that template once per form and walking
each field through the template engine cost more than the widgets themselves (cases.rendering).
tests/cases/test_rendering.py renders the case workflow's forms both ways and compares.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_HELP = '<p class="help" id="{}_help">{}</p>'
_ERROR = '<p class="error" role="alert">{}</p>'


@register.simple_tag
def form_fields(form) -> str:
    html = "".join(str(field) for field in form.hidden_fields()) + "\n"
    for field in form.visible_fields():
        errors = field.errors
        target = conditional_escape(field.id_for_label or "")
        help_text = format_html(_HELP, target, field.help_text) if field.help_text else ""
        error_text = "".join(format_html(_ERROR, error) for error in errors)
        html += (
            f'\n  <div class="field{" has-error" if errors else ""}">\n'
            f'    <label for="{target}">{conditional_escape(field.label)}</label>\n'
            f"    {field}\n"
            f"    {help_text}\n"
            f"    {error_text}\n"
            "  </div>\n"
        )
    return mark_safe(html + "\n")  # noqa: S308 (every value escaped above)
