"""Addresses reversed once per process: ``address()`` for code, and ``{% url %}`` for templates
(a template builtin, settings.TEMPLATES, that takes the place of Django's tag of that name).

Django's ``reverse()`` walks the URL patterns and quotes each argument on every call (about 15 µs;
a case page has 26): a tenth of the page's rendering (docs/performance.md, bench/serve.py). An
address depends only on the view's name, its arguments, the application namespace, the URL
configuration and the script prefix, so the answer is kept per process for those; a failure is
never kept. Only addresses whose arguments are ids (integers, UUIDs) are kept: an address with
text in it — a password-reset link's token, say — is reversed each time and never held in a
long-lived worker's memory."""

import uuid
from collections.abc import Hashable, Sequence
from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reversed(
    view_name: str,
    args: tuple[Hashable, ...],
    kwargs: tuple[tuple[str, Hashable], ...],
    current_app: str | None,
    urlconf: str | None,
    prefix: str,
) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def address(
    view_name: str, args: Sequence = (), kwargs: dict | None = None, current_app: str | None = None
) -> str:
    """``reverse()``, answered from the process's memory after the first time where the arguments
    are ids only."""
    kwargs = kwargs or {}
    if not all(_is_id(value) for value in (*args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key_kwargs = tuple(sorted(kwargs.items()))
    return _reversed(view_name, tuple(args), key_kwargs, current_app, get_urlconf(), get_script_prefix())


def _is_id(value: object) -> bool:
    return isinstance(value, uuid.UUID) or (isinstance(value, int) and not isinstance(value, bool))


class AddressNode(URLNode):
    """Django's URLNode, reversing through ``address()``."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:  # as Django's tag chooses it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = address(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> AddressNode:
    """``{% url %}`` exactly as Django parses it (django.template.defaulttags.url)."""
    node = django_url(parser, token)
    return AddressNode(node.view_name, node.args, node.kwargs, node.asvar)
