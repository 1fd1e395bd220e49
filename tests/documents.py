"""Reading the PDFs the documents answer with: their headers checked, their text extracted."""

import io
import json

from pypdf import PdfReader

from audit.models import AuditEvent


def pdf_text(response) -> str:
    """The document's text, every page, after checking it is a PDF shown in place and never kept."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "no-store"
    body = response.content
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def pages_of(response) -> int:
    return len(PdfReader(io.BytesIO(response.content)).pages)


def last_printed(event: str) -> AuditEvent:
    return AuditEvent.objects.filter(event=event).latest("sequence")


def fields_of(event: AuditEvent) -> list[str]:
    return json.loads(event.fields)


def params_of(event: AuditEvent) -> dict:
    return json.loads(event.params)
