"""The template tags kept per process (config/addresses.py, config/translations.py) render exactly
what Django's own tags render, in every language and under every script prefix."""

import uuid

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation


def render(text: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template(text).render(Context({"request": request, **context}))


def test_the_url_tag_reverses_as_djangos_does():
    pk = "0190a2b4-0000-7000-8000-000000000001"
    assert render("{% url 'cases:case_detail' pk %}", pk=pk) == reverse("cases:case_detail", args=[pk])
    assert render("{% url 'cases:case_detail' case_id=pk %}", pk=pk) == reverse(
        "cases:case_detail", kwargs={"case_id": pk}
    )
    assert render("{% url 'home' as there %}[{{ there }}]") == f"[{reverse('home')}]"
    assert render("{% url 'no-such-view' as there %}[{{ there }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-view' %}")


def test_only_addresses_of_ids_are_kept():
    """A password-reset link's token (text) is never held in the worker's memory; ids are."""
    from config.addresses import _reversed

    _reversed.cache_clear()
    render("{% url 'password_reset_confirm' uidb64='MQ' token='secret-token' %}")
    assert _reversed.cache_info().currsize == 0  # nothing kept
    pk = uuid.uuid4()
    render("{% url 'cases:case_detail' pk %}{% url 'cases:case_detail' pk %}", pk=pk)
    assert _reversed.cache_info().currsize == 1 and _reversed.cache_info().hits == 1


def test_the_url_tag_follows_the_script_prefix():
    assert render("{% url 'home' %}") == "/"
    set_script_prefix("/tsunagu/")
    try:
        assert render("{% url 'home' %}") == "/tsunagu/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'home' %}") == "/"


def test_a_translated_literal_follows_the_language():
    text = "{% load i18n %}{% translate 'ホーム' %}|{% translate 'ホーム' as home %}{{ home }}"
    assert render(text) == "ホーム|ホーム"
    with translation.override("en"):
        assert render(text) == "Home|Home"
    assert render(text) == "ホーム|ホーム"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_translated_literal_renders_as_djangos_tag_does(language):
    """Escaping, percent signs, ``as``, filters, context and noop: compared with Django's own
    library (loaded under another name) on the same text."""
    bodies = [
        "{% translate 'ホーム' %}",
        "{% translate 'a &amp; b <i>' %}",
        "{% translate 'a &amp; b' as x %}{{ x }}",
        "{% translate '100%' %}",
        "{% translate 'ホーム'|upper %}",
        "{% translate 'ホーム' context 'menu' %}",
        "{% translate 'ホーム' noop %}",
        "{% translate word %}",
    ]
    ours = Template("{% load i18n %}" + "|".join(bodies))
    djangos = Template("{% load django_i18n %}" + "|".join(bodies))
    with translation.override(language):
        context = {"word": "ホーム <b>"}
        assert ours.render(Context(context)) == djangos.render(Context(context))
        plain = {"autoescape": False}
        assert ours.render(Context(context, **plain)) == djangos.render(Context(context, **plain))


def test_only_the_i18n_library_is_overridden():
    """templates.W003 is silenced for the ``i18n`` override; any other library name given twice
    (an app's templatetags module shadowing another) still fails here."""
    from django.template import engines

    engine = engines["django"]
    warnings = [w.msg for w in engine._check_for_template_tags_with_the_same_name()]
    assert warnings == [
        "'i18n' is used for multiple template tag modules: 'config.translations', 'django.templatetags.i18n'"
    ]
    assert engine.engine.libraries["i18n"] == "config.translations"
