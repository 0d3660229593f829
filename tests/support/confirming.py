"""Acting through confirmation pages (views/confirm.py) as a staff member's browser does."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient

_CONFIRM = re.compile(r'name="confirm"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="confirm"')


def confirm_stamp(page_text: str) -> str:
    """The stamp a confirmation page carries in its form."""
    match = _CONFIRM.search(page_text)
    assert match, "no confirmation form on the page:\n" + page_text[:2000]
    return unescape(match.group(1) or match.group(2))


def confirm(client: FlaskClient, url: str, data: dict | None = None, *, first: dict | None = None):
    """Open the confirmation page (GET, or a POST of ``first`` as the page before sends it),
    then press its button with ``data``; returns the final response."""
    page = client.post(url, data=first) if first is not None else client.get(url)
    assert page.status_code == 200, (url, page.status_code, page.text[:2000])
    return client.post(url, data={**(first or {}), **(data or {}),
                                  "confirm": confirm_stamp(page.text)})
