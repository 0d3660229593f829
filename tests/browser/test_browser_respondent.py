"""The respondent's pages in a real browser: keyboard only, live skip logic, autosave,
the session warning, and reflow at 320 px."""

from __future__ import annotations

import re
import time

import pytest

from browser.browser_helpers import screenshot

from support.respondent import expected_stored, polish_date, polish_number
from support.valid_answers import JST, VALID

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

ACTIVE = """() => {
    const el = document.activeElement;
    return {tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '',
            checked: !!el.checked, text: (el.textContent || '').trim()};
}"""
STATUS = "#autosave-status"
SAVED = re.compile(r"^Zapisano \d\d:\d\d$")


def _survey(site, key):
    from services.questionnaires import registry

    with site.app.app_context():
        return registry().by_key[key].survey


def _typed(question, value) -> str:
    if question.is_numeric:
        return polish_number(value)
    if question.type == "date":
        return polish_date(value)
    return str(value)


def _type_over(page, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _choose_radio(page, name: str, wanted: str) -> None:
    """Arrow keys move the choice inside a radio group; Space picks the first one."""
    values = page.evaluate("n => [...document.getElementsByName(n)].map(r => r.value)", name)
    here = page.evaluate(ACTIVE)
    if not here["checked"]:
        page.keyboard.press("Space")
    steps = values.index(wanted) - values.index(here["value"])
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.evaluate(ACTIVE)["value"] == wanted


def _keyboard_section(page, survey, answers) -> set[str]:
    """Tab through the page, answering what ``answers`` has, then press the "next" button."""
    answered = set()
    for _ in range(500):
        page.keyboard.press("Tab")
        el = page.evaluate(ACTIVE)
        if el["tag"] == "BUTTON" and el["value"] == "next":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return answered
        if not el["name"].startswith("q_"):
            continue
        qid, *cell = el["name"][2:].split("__")
        if qid not in answers:
            continue
        question, value = survey.question(qid), answers[qid]
        if question.type == "table":
            row, col = cell
            _type_over(page, polish_number(value[row][col]))
        elif el["type"] == "radio":
            _choose_radio(page, el["name"], value)
        elif el["type"] == "checkbox":
            if (el["value"] in value) != el["checked"]:
                page.keyboard.press("Space")
        else:
            _type_over(page, _typed(question, value))
        answered.add(qid)
    raise AssertionError(f"nie dotarłem klawiszem Tab do przycisku dalej na {page.url}")


def test_whole_jst_questionnaire_by_keyboard_alone(site, page):
    survey = _survey(site, "jst-annual")
    page.goto(site.respondent("jst-annual"))
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["text"] == "Przejdź do treści"
    for _ in range(60):  # the start page: Tab to "Rozpocznij", Enter
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)["text"] == "Rozpocznij":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    answered = set()
    for index, section in enumerate(survey.sections):
        assert page.url.endswith(f"/ankieta/sekcja/{section.id}"), page.url
        assert page.locator(".progress").inner_text() == (
            f"Sekcja {index + 1} z {len(survey.sections)}")
        answered |= _keyboard_section(page, survey, JST)
    assert answered == set(JST)
    assert page.url.endswith("/ankieta/przeglad")
    assert page.locator("#error-summary").count() == 0
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)["text"] == "Wyślij sprawozdanie":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/ankieta/potwierdzenie")
    response = site.response()
    assert response.status == "submitted"
    expected = expected_stored(survey, JST)
    expected.update(jst_teryt="160402", jst_rodzaj="gmina_miejsko_wiejska")
    assert response.answers == expected


def _visible_questions(page) -> set[str]:
    return set(page.evaluate("""() => [...document.querySelectorAll('[data-question]')]
        .filter(q => !q.hidden && q.offsetParent !== null).map(q => q.dataset.question)"""))


YES_ONLY = {"klauzule_liczba_ponizej_130k", "klauzule_liczba_od_130k",
            "klauzule_wartosc_ponizej_130k", "klauzule_wartosc_od_130k", "klauzule_rodzaje",
            "klauzule_pes_wykonawcy_liczba", "klauzule_pes_wykonawcy_wartosc"}
NO_ONLY = {"klauzule_powody_niestosowania"}


def _d3_stored(site) -> set[str]:
    survey = _survey(site, "jst-annual")
    ids = {q.id for q in survey.section("d3").questions}
    return set(site.answers()) & ids


def test_skip_logic_in_the_browser_matches_the_server(site, page):
    page.goto(site.respondent("jst-annual"))
    page.goto("/ankieta/sekcja/d3")
    shown = _visible_questions(page)
    assert "klauzule_stosowane" in shown
    assert not (YES_ONLY | NO_ONLY) & shown

    page.locator("#pytanie-klauzule_stosowane").get_by_label("Tak").check()
    shown = _visible_questions(page)
    assert shown >= YES_ONLY
    assert not NO_ONLY & shown
    page.fill("#q_zam_ogolem_liczba", "100")
    page.fill("#q_zam_ogolem_wartosc", "10 000 000")
    page.fill("#q_klauzule_liczba_ponizej_130k", "2")
    page.fill("#q_klauzule_liczba_od_130k", "1")
    page.fill("#q_klauzule_wartosc_ponizej_130k", "100 000")
    page.fill("#q_klauzule_wartosc_od_130k", "500 000")
    page.locator("#pytanie-klauzule_rodzaje input[type=checkbox]").first.check()

    page.locator("#pytanie-klauzule_stosowane").get_by_label("Nie").check()
    shown_no = _visible_questions(page)
    assert shown_no >= NO_ONLY
    assert not YES_ONLY & shown_no
    page.locator("#pytanie-klauzule_powody_niestosowania input[type=checkbox]").first.check()
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    page.wait_for_load_state()
    assert _d3_stored(site) == {"zam_ogolem_liczba", "zam_ogolem_wartosc",
                                "klauzule_stosowane", "klauzule_powody_niestosowania"}
    assert _visible_questions(page) == shown_no  # the page the server sends back agrees

    page.locator("#pytanie-klauzule_stosowane").get_by_label("Tak").check()
    shown_yes = _visible_questions(page)
    for field, value in [("#q_klauzule_liczba_ponizej_130k", "2"),
                         ("#q_klauzule_liczba_od_130k", "1"),
                         ("#q_klauzule_wartosc_ponizej_130k", "100 000"),
                         ("#q_klauzule_wartosc_od_130k", "500 000")]:
        page.fill(field, value)
    page.locator("#pytanie-klauzule_rodzaje input[type=checkbox]").first.check()
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    page.wait_for_load_state()
    stored = _d3_stored(site)
    assert "klauzule_powody_niestosowania" not in stored
    assert stored >= YES_ONLY - {"klauzule_pes_wykonawcy_liczba", "klauzule_pes_wykonawcy_wartosc"}
    assert stored <= shown_yes
    assert _visible_questions(page) == shown_yes


def test_autosave_keeps_answers_across_a_reload(site, page):
    page.goto(site.respondent("jst-annual"))
    page.goto("/ankieta/sekcja/d3")
    status = page.locator(STATUS)
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("role") == "status"
    page.fill("#q_zam_ogolem_liczba", "42")
    page.fill("#q_zam_ogolem_wartosc", "1 234 567,89")
    page.locator("#pytanie-klauzule_stosowane").get_by_label("Nie").check()
    page.wait_for_function("s => /^Zapisano \\d\\d:\\d\\d$/.test(document.querySelector(s)"
                           ".textContent)", arg=STATUS, timeout=10_000)
    assert status.is_visible()
    screenshot(page, "autosave-saved")
    page.reload()
    assert page.input_value("#q_zam_ogolem_liczba") == "42"
    assert page.input_value("#q_zam_ogolem_wartosc").replace("\xa0", " ") == "1 234 567,89"
    assert page.locator("#pytanie-klauzule_stosowane").get_by_label("Nie").is_checked()
    answers = site.answers()
    assert answers["zam_ogolem_liczba"] == 42
    assert answers["zam_ogolem_wartosc"] == "1234567.89"
    # after a save, the version the page carries moved on: a normal save is not a conflict
    page.fill("#q_zam_ogolem_liczba", "43")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").inner_text() == "Zapisano wersję roboczą."
    assert site.answers()["zam_ogolem_liczba"] == 43


def test_unsaved_edit_is_sent_when_the_page_is_left(site, page):
    page.goto(site.respondent("jst-annual"))
    page.goto("/ankieta/sekcja/d3")
    page.fill("#q_zam_ogolem_liczba", "77")
    page.get_by_role("link", name="Spis sekcji").click()  # before the autosave delay ends
    page.wait_for_url(re.compile("/ankieta$"))
    deadline = time.monotonic() + 5
    while site.answers().get("zam_ogolem_liczba") != 77 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert site.answers().get("zam_ogolem_liczba") == 77


def test_autosave_with_one_bad_field_stores_the_others_and_links_to_it(site, page):
    page.goto(site.respondent("jst-annual"))
    page.goto("/ankieta/sekcja/d3")
    page.fill("#q_zam_ogolem_wartosc", "1 000,00")
    page.fill("#q_zam_ogolem_liczba", "sporo")
    page.wait_for_function("s => document.querySelector(s).textContent.includes('Do poprawienia')",
                           arg=STATUS, timeout=10_000)
    text = page.locator(STATUS).inner_text()
    assert re.match(r"^Zapisano \d\d:\d\d\. Do poprawienia przed wysłaniem: ", text), text
    assert "zamówień" in text
    assert "To nie jest liczba" in text
    answers = site.answers()
    assert "zam_ogolem_liczba" not in answers
    assert answers["zam_ogolem_wartosc"] == "1000.00"
    page.locator(STATUS).get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "q_zam_ogolem_liczba"


def test_autosave_conflict_is_shown_and_nothing_is_overwritten(site, page):
    page.goto(site.respondent("jst-annual"))
    page.goto("/ankieta/sekcja/d3")
    other = page.context.new_page()
    other.goto("/ankieta/sekcja/d3")
    other.fill("#q_zam_ogolem_liczba", "5")
    other.wait_for_function("s => /^Zapisano/.test(document.querySelector(s).textContent)",
                            arg=STATUS, timeout=10_000)
    page.fill("#q_zam_ogolem_liczba", "6")
    page.wait_for_function("s => /innym oknie/.test(document.querySelector(s).textContent)",
                           arg=STATUS, timeout=10_000)
    assert page.locator(STATUS).is_visible()
    assert "Zapisz wersję roboczą" in page.locator(STATUS).inner_text()
    screenshot(page, "autosave-conflict")
    assert site.answers()["zam_ogolem_liczba"] == 5
    other.close()


def test_session_warning_before_expiry_and_keeping_it_alive(site, page):
    page.clock.install()
    page.goto(site.respondent("kis-annual"))
    page.goto("/ankieta/sekcja/b1")
    dialog = page.locator("#session-warning")
    assert not dialog.is_visible()
    page.clock.fast_forward((7200 - 300 + 1) * 1000)
    assert dialog.is_visible()
    assert dialog.get_by_role("heading").first.inner_text() == "Sesja wkrótce wygaśnie"
    assert page.evaluate(ACTIVE)["text"] == "Kontynuuj wypełnianie"
    screenshot(page, "session-warning")
    with page.expect_response(re.compile("/autozapis$")) as reply:
        page.keyboard.press("Enter")
    assert reply.value.status == 200
    page.wait_for_function("s => /Sesja przedłużona/.test(document.querySelector(s).textContent)",
                           arg=STATUS)
    assert not dialog.is_visible()
    page.clock.fast_forward((7200 - 300 - 10) * 1000)
    assert not dialog.is_visible()  # the keep-alive started the time again
    page.clock.fast_forward(7200 * 1000)
    assert dialog.is_visible()
    assert "Sesja wygasła" in dialog.inner_text()


def test_session_warning_on_a_page_without_a_form(site, page):
    page.clock.install()
    page.goto(site.respondent("owes-annual"))
    page.clock.fast_forward((7200 - 300 + 1) * 1000)
    dialog = page.locator("#session-warning")
    assert dialog.is_visible()
    with page.expect_response(re.compile("/ankieta/sesja$")) as reply:
        dialog.get_by_role("button", name="Kontynuuj wypełnianie").click()
    assert reply.value.status == 200
    dialog.wait_for(state="hidden")
    page.clock.fast_forward((7200 - 300 - 10) * 1000)
    assert not dialog.is_visible()  # the keep-alive started the time again


@pytest.fixture
def narrow_page(browser, site):
    context = browser.new_context(base_url=site.base_url, locale="pl-PL",
                                  viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


def _no_horizontal_scroll(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        screenshot(page, f"reflow-320-{name}")
    assert width <= 320, f"{name}: strona ma {width} px szerokości przy oknie 320 px"


@pytest.mark.parametrize("key", sorted(VALID))
def test_reflow_at_320_px(site, narrow_page, key):
    page = narrow_page
    long_name = "Centrum Integracji Społecznej „Bardzo Długa Nazwa” w Kędzierzynie-Koźlu"
    link = site.respondent(key, name=long_name)
    site.fill(link, key)
    page.goto(link)
    _no_horizontal_scroll(page, f"{key}-start")
    for section in _survey(site, key).sections:
        page.goto(f"/ankieta/sekcja/{section.id}")
        _no_horizontal_scroll(page, f"{key}-{section.id}")
        if page.locator("table.answer-table").count():
            # the table scrolls in its wrapper, but its caption (the question) fits the screen
            rights = page.evaluate("""() => [...document.querySelectorAll(
                'table.answer-table caption')].map(c => c.getBoundingClientRect().right)""")
            assert max(rights) <= 320, f"{key}-{section.id}: podpis tabeli wystaje: {rights}"
            screenshot(page, f"reflow-320-{key}-{section.id}")
    page.goto("/ankieta/przeglad")
    _no_horizontal_scroll(page, f"{key}-review")
    screenshot(page, f"reflow-320-{key}-review")


def test_reflow_at_320_px_with_errors_and_dialog(site, narrow_page):
    page = narrow_page
    page.clock.install()
    page.goto(site.respondent("cis-annual"))
    page.goto("/ankieta/sekcja/a3")
    page.locator("table.answer-table input").first.fill("dużo")
    page.get_by_role("button", name="Zapisz i przejdź dalej").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    _no_horizontal_scroll(page, "cis-errors")
    page.clock.fast_forward((7200 - 299) * 1000)
    assert page.locator("#session-warning").is_visible()
    _no_horizontal_scroll(page, "cis-dialog")
    screenshot(page, "reflow-320-session-warning")


DESCRIBED_BY = """() => {
    const el = document.activeElement;
    const group = el.closest('fieldset');
    return (el.getAttribute('aria-describedby') || '') + ' ' +
           (group ? group.getAttribute('aria-describedby') || '' : '');
}"""


def test_error_summary_takes_focus_and_its_links_focus_each_field(site, page):
    page.goto(site.respondent("cis-annual"))
    page.goto("/ankieta/sekcja/a3")  # numbers and a table, all required
    page.get_by_role("button", name="Zapisz i przejdź dalej").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    links = page.locator("#error-summary a")
    assert links.count() >= 5
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href").removeprefix("#")
        links.nth(index).click()
        assert page.evaluate("document.activeElement.id") == target
        error_ids = page.evaluate(DESCRIBED_BY).split()
        errors = [page.locator(f"#{e}").inner_text() for e in error_ids if e.endswith("-error")]
        assert errors, target
        assert errors[0].startswith("Błąd:")


def test_review_issues_link_to_the_field_in_its_section(site, page):
    link = site.respondent("jst-annual")
    site.fill(link, "jst-annual", sections=1)
    page.goto(link)
    page.goto("/ankieta/przeglad")
    issues = page.locator("#error-summary a")
    assert issues.count() > 3
    hrefs = [issues.nth(i).get_attribute("href") for i in range(issues.count())]
    for href in hrefs:
        path, _, field = href.partition("#")
        page.goto(href)
        assert page.url.split("#")[0].endswith(path)
        assert page.locator(f"[id='{field}']").count() == 1, href


def test_change_links_of_the_review_page_put_the_cursor_in_the_answer(site, page):
    link = site.respondent("cis-annual")  # text, numbers, dates, choices and tables
    site.fill(link, "cis-annual")
    page.goto(link)
    page.goto("/ankieta/przeglad")
    changes = page.get_by_role("link", name=re.compile("^Zmień"))
    hrefs = [changes.nth(i).get_attribute("href") for i in range(changes.count())]
    assert len(hrefs) > 40
    for href in hrefs:
        question = href.rsplit("#q_", 1)[1]
        page.goto(href)
        inside = page.evaluate("q => document.getElementById('pytanie-' + q)"
                               ".contains(document.activeElement)", question)
        assert inside, f"{href}: kursor nie trafił do odpowiedzi"
