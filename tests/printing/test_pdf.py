"""The one renderer (printing/pdf.py): A4, Japanese fonts embedded, who printed it and page x / y
on every page, nothing fetched, nothing kept."""

import io
import re

import pytest
import weasyprint
from django.template import Context, Template
from pypdf import PdfReader

from printing import pdf as printing
from printing.system import install_hint, missing_packages


def body(html: str):
    """A document of the given body, on the real base template (in place of a file's template)."""

    def render(template_name, context):
        source = '{% extends "printing/document.html" %}{% block document %}' + html + "{% endblock %}"
        return Template(source).render(Context(context))

    return render


@pytest.fixture
def long_document(monkeypatch):
    paragraphs = "".join(f"<p>第{n}段落。見守りの記録を続けます。</p>" for n in range(1, 160))
    monkeypatch.setattr(printing, "render_to_string", body("<h1>長い記録</h1>" + paragraphs))


def test_every_page_is_a4_and_says_who_printed_it_and_which_page(world, long_document):
    reader = PdfReader(io.BytesIO(printing.render_pdf("x", {}, actor=world.staff, title="長い記録")))
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        text = page.extract_text()
        assert f"{number} / {pages}" in text
        assert re.search(rf"印刷者: {world.staff}（{world.plaza.name}） \d{{4}}-\d\d-\d\d \d\d:\d\d", text)
        assert "取扱注意（個人情報）" in text
    assert reader.metadata.title == "長い記録"


def test_japanese_is_set_in_the_noto_cjk_fonts_embedded(world, long_document):
    reader = PdfReader(io.BytesIO(printing.render_pdf("x", {}, actor=world.staff, title="t")))
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("+Noto-Sans-CJK-JP") for name in fonts), fonts  # a subset, embedded
    assert any("+Noto-Serif-CJK-JP" in name for name in fonts), fonts  # the headings


def test_a_draft_is_marked_on_every_page(world, long_document):
    reader = PdfReader(io.BytesIO(printing.render_pdf("x", {}, actor=world.staff, title="t", draft=True)))
    assert all("下書き" in page.extract_text() for page in reader.pages)


def test_a_document_fetches_nothing(world, monkeypatch, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    fetched = []
    monkeypatch.setattr(
        weasyprint.urls.URLFetcher, "fetch", lambda self, url, headers=None: fetched.append(url)
    )
    monkeypatch.setattr(
        printing,
        "render_to_string",
        body(
            f'<link rel="stylesheet" href="file://{secret}"><img src="https://example.invalid/x.png"><p>本文</p>'
        ),
    )
    pdf = printing.render_pdf("x", {}, actor=world.staff, title="t")
    assert b"%PDF" in pdf[:8]
    assert fetched == []  # the refusing fetcher answered, never the default one
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "/XObject" not in page["/Resources"] or not page["/Resources"]["/XObject"]


def test_the_operating_system_has_what_printing_needs_or_says_what_to_install():
    assert missing_packages() == []  # .ci/run installs them
    hint = install_hint(["fonts-noto-cjk"])
    assert "apt-get install" in hint and "fonts-noto-cjk" in hint
