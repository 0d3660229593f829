"""The accessibility declaration, the configurable RODO clause and markup details axe relies on."""

from __future__ import annotations

import re

import pytest

DECLARATION_IDS = [
    "a11y-wstep", "a11y-podmiot", "a11y-url", "a11y-data-publikacja", "a11y-data-aktualizacja",
    "a11y-status", "a11y-data-sporzadzenie", "a11y-ocena", "a11y-kontakt", "a11y-osoba",
    "a11y-email", "a11y-telefon", "a11y-procedura", "a11y-architektura", "a11y-aplikacje",
]


def _start(world, client) -> None:
    token = world.invite(world.round("jst-annual"), world.unit("gmina", "160402"))
    assert client.get(f"/r/{token}").status_code == 303


def test_declaration_has_the_structure_the_law_asks_for(client):
    page = client.get("/deklaracja-dostepnosci")
    assert page.status_code == 200
    html = page.text
    for element_id in DECLARATION_IDS:
        assert f'id="{element_id}"' in html, element_id
    assert len(re.findall(r'id="(a11y-[^"]+)"', html)) == len(set(re.findall(
        r'id="(a11y-[^"]+)"', html)))
    for heading in ("Daty publikacji i aktualizacji", "Status pod względem zgodności z ustawą",
                    "Treści niedostępne", "Przygotowanie deklaracji dostępności",
                    "Informacje zwrotne i dane kontaktowe",
                    "Obsługa wniosków i skarg związanych z dostępnością",
                    "Dostępność architektoniczna", "Aplikacje mobilne"):
        assert f">{heading}</h2>" in html, heading
    assert "z dnia 4 kwietnia 2019 r. o dostępności cyfrowej" in " ".join(html.split())
    assert "samooceny" in html
    assert re.search(r'<time id="a11y-data-publikacja" datetime="\d{4}-\d\d-\d\d">', html)


@pytest.fixture
def declaration_config(app_config):
    app_config.update(
        ESMON_ORGANISATION="Urząd Gminy Próbna",
        ESMON_ORGANISATION_ADDRESS="ul. Rynek 5, 46-200 Próbna",
        ESMON_ACCESSIBILITY_CONTACT_NAME="Jan Dostępny",
        ESMON_ACCESSIBILITY_CONTACT_EMAIL="a11y@probna.example.pl",
        ESMON_ACCESSIBILITY_CONTACT_PHONE="+48 77 123 45 67",
        ESMON_DECLARATION_DATES={"published": "2025-03-01", "updated": "2026-02-15",
                                 "prepared": "2026-03-20"},
        ESMON_ACCESSIBILITY_STATUS="zgodna",
        ESMON_ACCESSIBILITY_INACCESSIBLE=[],
        ESMON_ACCESSIBILITY_ARCHITECTURE="Budynek ma windę i podjazd.",
        ESMON_ACCESSIBILITY_MOBILE_APPS="Aplikacja mobilna: brak.",
    )
    return app_config


def test_declaration_texts_come_from_configuration(declaration_config, client):
    html = client.get("/deklaracja-dostepnosci").text
    assert '<span id="a11y-podmiot">Urząd Gminy Próbna</span>, ul. Rynek 5, 46-200 Próbna' in html
    assert '<span id="a11y-osoba">Jan Dostępny</span>' in html
    assert 'href="mailto:a11y@probna.example.pl"' in html
    assert 'href="tel:+48771234567"' in html
    assert '<time id="a11y-data-publikacja" datetime="2025-03-01">2025-03-01</time>' in html
    assert 'datetime="2026-02-15"' in html
    assert 'datetime="2026-03-20"' in html
    assert "a11y-data-przeglad" not in html
    assert "<strong>zgodna</strong>" in html
    assert "Nie stwierdzono treści niedostępnych." in html
    assert "Budynek ma windę i podjazd." in html
    assert "Aplikacja mobilna: brak." in html


def test_every_page_links_the_declaration(app, world, client):
    pages = ["/", "/logowanie", "/r/nie-ma-takiego-linku"]
    for path in pages:
        assert 'href="/deklaracja-dostepnosci"' in client.get(path).text, path
    _start(world, client)
    for path in ["/ankieta", "/ankieta/sekcja/d1", "/ankieta/przeglad"]:
        assert 'href="/deklaracja-dostepnosci"' in client.get(path).text, path


def test_rodo_clause_defaults(app, world, client):
    _start(world, client)
    html = client.get("/ankieta/sekcja/d1").text
    clause = html[html.index('<details class="rodo">'):html.index("</details>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", clause).split())
    assert "jest Regionalny Ośrodek Polityki Społecznej w Opolu." in text
    assert "inspektorem ochrony danych: iod@rops.example.pl" in text
    assert ("w celu monitorowania ekonomii społecznej w województwie, na podstawie art. 6 ust. 1 "
            "lit. e RODO w związku z art. 21 i 21a ustawy o pomocy społecznej, przez 5 lat od "
            "zakończenia badania.") in text


def test_rodo_clause_is_configurable(app_config, request):
    app_config.update(ESMON_RODO_ADMINISTRATOR="Marszałek Województwa Opolskiego",
                      ESMON_RODO_IOD_CONTACT="iod@opolskie.example.pl",
                      ESMON_RODO_PURPOSE="w celu realizacji badania",
                      ESMON_RODO_LEGAL_BASIS="art. 6 ust. 1 lit. c RODO",
                      ESMON_RODO_RETENTION="przez 10 lat")
    world, client = request.getfixturevalue("world"), request.getfixturevalue("client")
    _start(world, client)
    html = client.get("/ankieta").text
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "jest Marszałek Województwa Opolskiego." in text
    assert "iod@opolskie.example.pl" in text
    assert ("Dane przetwarzamy w celu realizacji badania, na podstawie art. 6 ust. 1 lit. c "
            "RODO, przez 10 lat.") in text


def test_no_attribute_is_rendered_as_python_none(app, world, client):
    """``aria-describedby="None"`` points nowhere and ``aria-invalid="None"`` is invalid."""
    _start(world, client)
    pages = [client.get(f"/ankieta/sekcja/{s}").text for s in ("d1", "d3")]
    pages.append(client.post("/ankieta/sekcja/d3", data={"action": "next"}).text)
    pages.append(client.get("/logowanie").text)
    for html in pages:
        assert '="None"' not in html


def test_declaration_dates_can_come_from_the_environment(monkeypatch):
    from config import _json

    monkeypatch.setenv("ESMON_DECLARATION_DATES", '{"published": "2025-01-02"}')
    assert _json("ESMON_DECLARATION_DATES", {}) == {"published": "2025-01-02"}
    monkeypatch.delenv("ESMON_DECLARATION_DATES")
    assert _json("ESMON_DECLARATION_DATES", {"x": 1}) == {"x": 1}
