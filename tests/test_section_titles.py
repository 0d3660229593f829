"""Year placeholders in section titles are filled wherever a section is named."""

from __future__ import annotations

import pytest
from test_printouts import pdf_text

from support import ROOT

TITLE = "Dokumenty strategiczne w roku {rok}"


@pytest.fixture
def titled_defs(app_config, tmp_path):
    """The JST questionnaire with ``{rok}`` in a section title."""
    defs = tmp_path / "defs"
    defs.mkdir()
    text = (ROOT / "survey_defs" / "jst-annual.yaml").read_text(encoding="utf-8")
    assert text.count("title: Dokumenty strategiczne\n") == 1
    (defs / "jst-annual.yaml").write_text(
        text.replace("title: Dokumenty strategiczne\n", f"title: {TITLE}\n"), encoding="utf-8")
    app_config["SURVEY_DEFS_DIR"] = str(defs)


@pytest.mark.usefixtures("titled_defs")
def test_respondent_pages_and_the_blank_form_show_the_year_in_a_section_title(app, world):
    token = world.invite(world.round("jst-annual", year=2025), world.unit("gmina", "160402"))
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 303
    pages = {"start": client.get("/ankieta"), "section": client.get("/ankieta/sekcja/d2"),
             "review": client.get("/ankieta/przeglad")}
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert "Dokumenty strategiczne w roku 2025" in page.text, name
        assert "{rok}" not in page.text, name
    assert "<title>Dokumenty strategiczne w roku 2025 (2/" in pages["section"].text
    blank = client.get("/ankieta/pusty-formularz.pdf")
    assert blank.status_code == 200
    text = pdf_text(blank.data)
    assert "Dokumenty strategiczne w roku 2025" in text
    assert "{rok}" not in text
