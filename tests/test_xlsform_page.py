"""The admins' XLSForm page: upload → preview (nothing stored) → save as a questionnaire
version rounds can use; problems listed by sheet and cell; refusals never half-save."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from extensions import db
from forms.loader import load_survey_file
from forms.xlsform.export import export_xlsform
from models import AuditEvent, Questionnaire

from support import ROOT
from support.xlsforms import CASCADING, CIS_KOBO, workbook

PAGE = "/admin/ankiety/xlsform"


def _upload(client, data: bytes, name: str = "monitoring.xlsx", kinds=("cis",)):
    return client.post(PAGE, data={"upload-file": (io.BytesIO(data), name),
                                   "upload-kinds": list(kinds)},
                       content_type="multipart/form-data")


def _hidden(page, name: str) -> str:
    found = re.search(rf'name="save-{name}" type="hidden" value="([^"]*)"', page.text)
    assert found, page.text
    return html.unescape(found.group(1))


def _stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Questionnaire))


def _kobo() -> bytes:
    return workbook(CIS_KOBO["survey"], CIS_KOBO["choices"], CIS_KOBO["settings"])


def test_upload_shows_the_questionnaire_and_saving_offers_it_to_rounds(app, login):
    client = login("admin")
    assert client.get(PAGE).status_code == 200
    page = _upload(client, _kobo())
    assert page.status_code == 200
    assert "Podgląd: Monitoring CIS (Kobo)" in page.text
    assert "uczestnicy_ogolem" in page.text
    assert "Liczba uczestników ogółem" in page.text
    assert "English (en)" in page.text  # what was not carried over
    assert "# survey!12: integer uczestnicy_ogolem" in page.text  # the YAML with its origins
    assert _stored(app) == 0  # a preview stores nothing
    saved = client.post(f"{PAGE}/zapisz", data={
        "save-definition": _hidden(page, "definition"), "save-workbook": "monitoring.xlsx"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith("/admin/rundy/nowa")
    with app.app_context():
        questionnaire = db.session.scalars(select(Questionnaire)).one()
        assert (questionnaire.key, questionnaire.version) == ("cis-kobo-2025", "2025.1")
        assert "unit_kinds: [cis]" in questionnaire.source_text
        event = db.session.scalars(select(AuditEvent).filter_by(
            action="questionnaire_import")).one()
        assert event.object_id == questionnaire.id
        assert "monitoring.xlsx" in event.summary
    rounds_page = client.get("/admin/rundy/nowa")
    assert "Monitoring CIS (Kobo) (v2025.1)" in rounds_page.text
    again = client.post(f"{PAGE}/zapisz", data={
        "save-definition": _hidden(page, "definition"), "save-workbook": "monitoring.xlsx"})
    assert again.status_code == 422
    assert "jest już zapisana" in again.text
    assert _stored(app) >= 1


def test_problems_are_listed_by_sheet_and_cell_and_nothing_is_stored(app, login):
    client = login("admin")
    page = _upload(client, workbook(CASCADING["survey"], CASCADING["choices"]), "kaskada.xlsx")
    assert page.status_code == 200
    assert "Nic nie zostało zapisane" in page.text
    assert re.search(r"<td>survey</td><td>D3 \[gmina_w\]</td><td><code>xlsform_unsupported"
                     r"</code></td>", page.text), page.text
    assert "/admin/ankiety/xlsform/zapisz" not in page.text
    assert _stored(app) == 0


def test_a_tampered_definition_is_checked_again_and_refused(app, login):
    client = login("admin")
    page = client.post(f"{PAGE}/zapisz", data={
        "save-definition": "format: 2\nkey: zla\nsections: [", "save-workbook": "x.xlsx"})
    assert page.status_code == 422
    assert "yaml_syntax" in page.text
    assert _stored(app) == 0


def test_a_key_of_survey_defs_is_refused(app, login):
    client = login("admin")
    survey, _ = load_survey_file(ROOT / "survey_defs" / "owes-annual.yaml")
    page = _upload(client, export_xlsform(survey), "owes.xlsx")
    assert page.status_code == 200
    saved = client.post(f"{PAGE}/zapisz", data={
        "save-definition": _hidden(page, "definition"), "save-workbook": "owes.xlsx"})
    assert saved.status_code == 422
    assert "survey_defs/" in saved.text
    assert _stored(app) == 0


def test_only_admins_use_the_page(app, login):
    client = login("coordinator")
    assert client.get(PAGE).status_code == 403
    assert _upload(client, _kobo()).status_code == 403
    assert _stored(app) == 0


def test_a_file_that_is_not_xlsx_is_refused_at_the_field(app, login):
    client = login("admin")
    page = _upload(client, b"type,name\n", "formularz.csv")
    assert page.status_code == 200
    assert "Dozwolone pliki: XLSX" in page.text


def test_preview_counts_the_questions_and_shows_their_messages(app, login):
    from support.xlsforms import OWES_ODK

    client = login("admin")
    page = _upload(client, workbook(OWES_ODK["survey"], OWES_ODK["choices"],
                                    OWES_ODK["settings"]), "owes.xlsx", kinds=("owes",))
    assert page.status_code == 200
    assert "3 sekcje, 13 pytań" in page.text  # notes hold no answer
    assert html.escape("gdy puste: „Podaj nazwę OWES.”", quote=False) in page.text
    assert "— Wybierz od 1 do 3 usług" in page.text  # the constraint's message by its rule
    assert "wartość początkowa: <code>last_round</code>" in page.text
    assert "survey!N19: wartość domyślna" in page.text
