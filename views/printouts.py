"""Sending the printouts (``services.printouts``) as PDF downloads, from any blueprint."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, make_response
from flask_babel import gettext

from l10n.web import translate
from reports.html_pdf import HtmlPdfError
from views.errors import GonePage


def pdf_download(make: Callable[[], bytes], filename: str) -> Response:
    """``make()``'s PDF as a download named ``filename``; a missing PDF engine is a 503 page
    that says so (never a 500)."""
    try:
        content = make()
    except HtmlPdfError as err:
        raise GonePage(gettext("Nie można przygotować PDF"), translate(str(err)),
                       status=503) from err
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
