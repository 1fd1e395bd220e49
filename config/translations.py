"""Django's ``i18n`` template library (settings.TEMPLATES ``libraries``), with ``{% translate %}``
of a plain literal kept per process and language.

A case page has some sixty literal ``{% translate "…" %}`` tags; each costs Django a lazy
string, a catalogue lookup and an escape on every render — about a twentieth of the page
(bench/serve.py, docs/performance.md). A literal's translation depends only on the language (the
catalogues are read once per process), so it is looked up once. Tags with a variable, a filter, a
context or ``noop`` are rendered by Django's node as before."""

from django import template
from django.templatetags import i18n
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

_translated: dict[tuple[str | None, str], str | SafeString] = {}


class KeptTranslateNode(i18n.TranslateNode):
    def render(self, context: template.Context) -> str:
        expression = self.filter_expression
        literal = getattr(expression.var, "literal", None)
        if self.noop or self.message_context or expression.filters or not isinstance(literal, str):
            return super().render(context)
        key = (get_language(), literal)
        value = _translated.get(key)
        if value is None:  # as Django's node renders it: percent signs restored, still safe
            expression.var.translate = True  # Django's node sets it at each render
            rendered = i18n.render_value_in_context(expression.resolve(context), context)
            value = rendered.replace("%%", "%")
            _translated[key] = value = mark_safe(value) if isinstance(rendered, SafeData) else value  # noqa: S308
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def translate(parser: template.base.Parser, token: template.base.Token) -> KeptTranslateNode:
    """``{% translate %}`` exactly as Django parses it (django.templatetags.i18n.do_translate)."""
    node = i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
