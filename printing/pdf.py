"""An HTML template made into an A4 PDF, in memory: the one renderer of every document.

``render_pdf`` renders a Django template that extends ``printing/document.html`` (A4, Noto CJK,
a footer on every page saying who printed it and when, and page x / y) and returns the PDF's
bytes; nothing is written to disk and nothing is fetched (the template carries its own styles,
the fonts come from fontconfig). ``pdf_response`` answers a request with them. Which document a
user may print, what it shows and the audit event that records it are the business of the
selector of the app that owns the document; the views only call both.
"""

import datetime

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts.models import Organisation, User
from accounts.selectors import memberships_of
from printing.system import install_hint, missing_packages


class PrintingUnavailable(RuntimeError):
    """WeasyPrint cannot run here: the Debian packages it needs are missing (printing.system)."""


def printed_by(actor: User, organisation: Organisation | None = None) -> str:
    """「氏名（所属）」: the organisation the document was printed for, else the actor's own."""
    if organisation is not None:
        names = [organisation.name]
    else:
        names = [membership.organisation.name for membership in memberships_of(actor)]
    return f"{actor}（{'・'.join(names)}）" if names else str(actor)


def _weasyprint():
    try:
        import weasyprint
    except OSError as error:  # Pango missing: say what to install rather than a loader's message
        raise PrintingUnavailable(install_hint(missing_packages() or ["libpango-1.0-0"])) from error
    return weasyprint


def _refusing_fetcher(weasyprint):
    class RefuseEverything(weasyprint.urls.URLFetcher):
        """A document fetches nothing: no file of the server's, no address of anyone's."""

        def fetch(self, url, headers=None):
            raise weasyprint.urls.URLFetchingError(f"Documents fetch nothing ({url[:40]})")

    return RefuseEverything()


def render_pdf(
    template_name: str,
    context: dict,
    *,
    actor: User,
    title: str,
    organisation: Organisation | None = None,
    draft: bool = False,
    watermark: str = "",
    now: datetime.datetime | None = None,
) -> bytes:
    """The document as PDF bytes. ``title`` names the document (no personal data: it becomes the
    PDF's title); ``draft`` marks every page 「下書き」; ``watermark`` is written across every page
    (whom a list was given to: a copy that turns up elsewhere says whose it was)."""
    printed_at = timezone.localtime(now or timezone.now())
    html = render_to_string(
        template_name,
        {
            **context,
            "document_title": title,
            "draft": draft,
            "watermark": watermark,
            "printed_by": printed_by(actor, organisation),
            "printed_at": printed_at,
        },
    )
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=_refusing_fetcher(weasyprint))
    return document.write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser (``inline``), never kept by it or a proxy (``no-store``).
    ``filename`` carries no personal data: a case's reference, a meeting's date."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
