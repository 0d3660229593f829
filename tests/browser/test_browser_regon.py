"""A REGON typed with spaces and dashes drives live skip logic as the server reads it."""

from __future__ import annotations

import json
import re

import pytest

from forms.expressions import parse, to_json

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

_LOGIC = re.compile(r'(<script type="application/json" id="survey-logic">)(.*?)(</script>)', re.S)


def _address_shown_for_one_regon(route) -> None:
    """The page as the server would send it for a definition where the address of the
    centre is asked only for REGON 531234563 (``relevant: ${cis_regon} = '531234563'``)."""
    response = route.fetch()

    def rewrite(match: re.Match) -> str:
        logic = json.loads(match.group(2))
        logic["questions"]["cis_adres"]["relevant"] = to_json(
            parse("${cis_regon} = '531234563'"))
        return match.group(1) + json.dumps(logic).replace("<", "\\u003c") + match.group(3)

    route.fulfill(response=response, body=_LOGIC.sub(rewrite, response.text()))


def test_regon_with_spaces_and_dashes_counts_as_its_digits(site, page):
    page.goto(site.respondent("cis-annual"))
    page.route(re.compile(r".*/ankieta/sekcja/a1$"), _address_shown_for_one_regon)
    page.goto("/ankieta/sekcja/a1")
    address = page.locator("#pytanie-cis_adres")
    assert page.input_value("#q_cis_regon") == "531234563"  # from the register
    assert address.is_visible()
    page.fill("#q_cis_regon", "531 234 56")
    assert address.is_hidden()
    page.fill("#q_cis_regon", "531-234\u2013563")
    assert address.is_visible()
    page.fill("#q_cis_regon", " 531 234 563 ")
    assert address.is_visible()
    page.fill("#q_cis_regon", "531234567")
    assert address.is_hidden()
