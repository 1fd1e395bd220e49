"""Django's standard form widgets rendered in Python, to the byte as their templates render them.

The case page renders some twenty widgets, and a select or a row of checkboxes renders one
template per option: through the template engine that was most of the page's time
(docs/performance.md). ``WidgetRenderer`` writes the same HTML — the templates of
``django/forms/widgets/`` with their whitespace — and hands any other template (a form's, an
error list's, a widget of its own) to the template engine as before.
tests/cases/test_rendering.py renders every widget of the case workflow both ways and compares.
"""

from html import escape as escape_html

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_WIDGETS = "django/forms/widgets/"
_INPUTS = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
}


def _text(value) -> str:
    """``{{ value }}`` (and ``|stringformat:'s'``): the text, escaped unless marked safe."""
    kind = type(value)
    if kind is str:  # plain text, most of a page's: escaped as conditional_escape escapes it
        return escape_html(value)
    if kind is int:  # an option's value, a primary key: digits, nothing to escape
        return str(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs: dict) -> str:  # attrs.html
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:  # input.html, without the file's final newline
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    name, attrs = _text(widget["name"]), _attrs(widget["attrs"])
    return f'<input type="{_text(widget["type"])}" name="{name}"{value}{attrs}>'


_SELECT_OPTION = f"{_WIDGETS}select_option.html"


def _option(option: dict) -> str:
    """An option as its template renders it when included, final newlines and all."""
    if option["template_name"] == _SELECT_OPTION:
        value, attrs = _text(option["value"]), _attrs(option["attrs"])
        return f'<option value="{value}"{attrs}>{_text(option["label"])}</option>\n'
    # checkbox_option.html / radio_option.html → input_option.html → input.html
    html = _input(option) + "\n"
    if option["wrap_label"]:
        target = option["attrs"].get("id")
        label_for = f' for="{_text(target)}"' if target else ""
        html = f"<label{label_for}>{html} {_text(option['label'])}</label>"
    return html + "\n\n"


def _select(widget: dict) -> str:  # select.html
    html = f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>'
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html += f'\n  <optgroup label="{_text(group_name)}">'
        for option in options:
            html += "\n  " + _option(option)
        if group_name:
            html += "\n  </optgroup>"
    return html + "\n</select>"


def _multiple_input(widget: dict) -> str:  # multiple_input.html (checkbox_select.html, radio.html)
    attrs = widget["attrs"]
    html = "<div"
    if attrs.get("id"):
        html += f' id="{_text(attrs["id"])}"'
    if attrs.get("class"):
        html += f' class="{_text(attrs["class"])}"'
    html += ">"
    for group, options, _index in widget["optgroups"]:
        if group:
            html += f"\n  <div><label>{_text(group)}</label>"
        for option in options:
            html += "<div>\n    " + _option(option) + "</div>"
        if group:
            html += "\n  </div>"
    return html + "\n</div>"


def _textarea(widget: dict) -> str:  # textarea.html
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


_IN_PYTHON = {
    **dict.fromkeys(_INPUTS, _input),
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}checkbox_select.html": _multiple_input,
    f"{_WIDGETS}radio.html": _multiple_input,
    f"{_WIDGETS}textarea.html": _textarea,
}


class WidgetRenderer(DjangoTemplates):
    """Django's default form renderer, with the standard widgets written in Python."""

    def render(self, template_name, context, request=None):
        write = _IN_PYTHON.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return mark_safe(write(context["widget"]))  # noqa: S308 (every value escaped above)


WIDGETS = WidgetRenderer()
