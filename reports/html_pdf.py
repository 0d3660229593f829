"""HTML → PDF by WeasyPrint: the printable blank questionnaire and the copy of a response.

Why WeasyPrint here when the reports' PDFs are typeset by Typst (``reports.typst_pdf``):
these documents exist only as pages — the questionnaire's HTML, the answers as the review page
shows them, with the page's own CSS — and WeasyPrint prints that HTML as it is, where Typst
would need the page rewritten as a report. It needs Pango (Debian: ``libpango-1.0-0``,
``libpangoft2-1.0-0``), which Chromium brings anyway.

WeasyPrint is imported when a PDF is made, not when this module is: most processes never
print (``tests/test_light_imports.py``).
"""

from __future__ import annotations

from l10n import N_

NO_ENGINE = N_("Do zapisu PDF potrzebny jest pakiet WeasyPrint z biblioteką Pango "
               "(pakiety Debiana libpango-1.0-0 i libpangoft2-1.0-0).")


class HtmlPdfError(Exception):
    """The PDF could not be made; the message (a Polish msgid) says why."""


def html_to_pdf(html: str, *, title: str = "", base_url: str | None = None) -> bytes:
    """The PDF of an HTML document whose styles are inline (``<style>`` in the page).

    :param title: the PDF's title (document properties, what a screen reader announces)
    :param base_url: where relative addresses in ``html`` point; ``None``: there are none
    :raise HtmlPdfError: WeasyPrint or Pango is missing
    """
    try:
        import weasyprint
    except (ImportError, OSError) as err:  # OSError: the Pango library cannot be loaded
        raise HtmlPdfError(NO_ENGINE) from err
    document = weasyprint.HTML(string=html, base_url=base_url).render()
    if title:
        document.metadata.title = title
    return document.write_pdf(pdf_variant="pdf/ua-1") or b""
