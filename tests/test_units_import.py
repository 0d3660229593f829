"""Units register import: every bad row reported at once, all or nothing, update by match."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from extensions import db
from forms.emails import parse_addresses as parse_emails
from models import Territory, Unit
from services.tabular import RowProblem
from services.units_import import (
    create_jst_units,
    import_units,
    jst_unit_name,
    regon_is_valid,
)

HEADER = ["rodzaj", "nazwa", "kod_teryt", "e-mail", "regon", "krs", "osoba_kontaktowa"]
#: good rows over the sample territories (demo/terc_sample.csv); the 7-digit 1661011 is Opole
GOOD = [
    ["cis", "CIS w Kluczborku", "160402", "cis@kluczbork.example.pl", "123456785",
     "0000123456", "Anna Nowak"],
    ["KIS", "KIS Opole", "1661011", "kis@opole.example.pl; biuro@opole.example.pl", "", "", ""],
    ["gmina", "Gmina Byczyna", "160401", "ug@byczyna.example.pl", "", "", ""],
    ["pcpr", "PCPR w Kluczborku", "1604", "pcpr@kluczbork.example.pl", "12345678512347", "", ""],
    ["owes", "OWES Subregionu Nyskiego", "160701", "owes@nysa.example.pl", "012345675", "", ""],
]


def _csv(rows: list[list[str]], *, delimiter: str = ";", bom: bool = False,
         header: list[str] = HEADER) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value else value

    lines = [delimiter.join(cell(v) for v in row) for row in [header, *rows]]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8")


def _xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _units() -> set[tuple]:
    return {(u.kind, u.name, u.teryt, u.emails, u.regon, u.krs, u.contact_person)
            for u in db.session.scalars(select(Unit))}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_three_bad_rows_among_good_ones_import_nothing_and_are_all_reported(app, world):
    rows = [
        GOOD[0],
        ["kis", "KIS Nysa", "160701", "kis@@nysa.example.pl", "", "", ""],  # row 3: e-mail
        GOOD[1],
        GOOD[2],
        ["cis", "CIS Nigdzie", "169999", "cis@example.pl", "", "", ""],  # row 6: TERYT
        GOOD[3],
        ["owes", "OWES Opole", "166101", "owes@opole.example.pl", "123456784", "", ""],  # 8: REGON
        GOOD[4],
    ]
    with app.app_context():
        result = import_units(_csv(rows), "jednostki.csv")
        assert [(p.row, p.column) for p in result.problems] == [
            (3, "e-mail"), (6, "kod_teryt"), (8, "regon")]
        assert (result.created, result.updated) == (0, 0)
        db.session.commit()
        assert _count() == 0
    assert str(result.problems[1]) == ("wiersz 6, kolumna kod_teryt: nie ma kodu 169999 "
                                       "w rejestrze TERYT")


def test_good_file_creates_units_with_codes_and_addresses_normalised(app, world):
    with app.app_context():
        result = import_units(_csv(GOOD), "jednostki.csv")
        db.session.commit()
        assert (result.created, result.updated, result.problems) == (5, 0, [])
        kis = db.session.scalars(select(Unit).where(Unit.kind == "kis")).one()
        assert kis.teryt == "166101"  # the 7-digit TERC code maps to the gmina's six
        assert kis.email_list == ["kis@opole.example.pl", "biuro@opole.example.pl"]
        cis = db.session.scalars(select(Unit).where(Unit.kind == "cis")).one()
        assert (cis.regon, cis.krs, cis.contact_person) == ("123456785", "0000123456",
                                                           "Anna Nowak")


def test_csv_with_bom_and_commas_and_xlsx_give_the_same_units(app, world):
    # In the workbook the codes are numbers, as Excel stores them when typed: leading zeros of
    # REGON and KRS are lost there and must come back.
    numeric = [[row[0], row[1], int(row[2]), row[3], int(row[4]) if row[4] else None,
                int(row[5]) if row[5] else None, row[6] or None] for row in GOOD]
    with app.app_context():
        import_units(_csv(GOOD, delimiter=",", bom=True), "jednostki.csv")
        db.session.commit()
        from_csv = _units()
        db.session.execute(Unit.__table__.delete())
        db.session.commit()
        result = import_units(_xlsx(numeric), "jednostki.xlsx")
        db.session.commit()
        assert result.problems == []
        assert _units() == from_csv
    assert ("owes", "OWES Subregionu Nyskiego", "160701", "owes@nysa.example.pl", "012345675",
            None, None) in from_csv


def test_existing_unit_is_updated_by_kind_teryt_and_name(app, world):
    unit_id = world.unit("gmina", "160401", name="Gmina Byczyna", emails="stary@example.pl")
    rows = [["gmina", "gmina  BYCZYNA", "1604013", "nowy@byczyna.example.pl", "", "",
             "Jan Kowalski"]]
    with app.app_context():
        result = import_units(_csv(rows), "jednostki.csv")
        db.session.commit()
        assert (result.created, result.updated) == (0, 1)
        unit = db.session.get(Unit, unit_id)
        assert (unit.name, unit.emails, unit.contact_person) == (
            "Gmina Byczyna", "nowy@byczyna.example.pl", "Jan Kowalski")
        again = import_units(_csv(rows), "jednostki.csv")
        assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
        other_kind = import_units(_csv([["ops", *rows[0][1:]]]), "jednostki.csv")
        assert other_kind.created == 1  # an OPS of the same gmina is another unit


def test_each_kind_of_row_problem_names_its_column(app, world):
    rows = [
        ["spółdzielnia", "X", "160402", "a@example.pl", "", "", ""],
        ["cis", "", "160402", "a@example.pl", "", "", ""],
        ["cis", "CIS A", "160402", "", "", "", ""],
        ["cis", "CIS B", "16040", "b@example.pl", "", "", ""],
        ["cis", "CIS C", "160402", "c@example.pl", "", "123456", ""],
        ["gmina", "Gmina Kluczbork", "1604", "d@example.pl", "", "", ""],
        ["pcpr", "PCPR", "160402", "e@example.pl", "", "", ""],
        ["cis", "CIS D", "160402", "f@example.pl", "", "", ""],
        ["CIS", "cis  d", "160402", "g@example.pl", "", "", ""],
    ]
    with app.app_context():
        result = import_units(_csv(rows), "jednostki.csv")
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "rodzaj"), (3, "nazwa"), (4, "e-mail"), (5, "kod_teryt"), (6, "krs"),
        (7, "kod_teryt"), (8, "kod_teryt"), (10, "nazwa")]
    assert result.problems[-1].message == ("ta sama jednostka (rodzaj, TERYT, nazwa) co "
                                           "w wierszu 9")


def test_missing_required_column_and_english_header(app, world):
    with app.app_context():
        missing = import_units(_csv([["cis", "CIS", "160402"]],
                                    header=["kind", "name", "teryt"]), "jednostki.csv")
        english = import_units(_csv([["cis", "CIS", "160402", "a@example.pl", "uwaga"]],
                                    header=["kind", "name", "teryt", "email", "uwagi"]),
                               "jednostki.csv")
    assert missing.problems == [RowProblem(1, "email", "brak wymaganej kolumny w nagłówku")]
    assert (english.created, english.ignored_columns) == (1, ["uwagi"])


def test_file_that_is_not_utf8_is_refused_with_advice(app, world):
    data = _csv(GOOD).decode().encode("cp1250", errors="replace") + "ó".encode("cp1250")
    with app.app_context():
        result = import_units(data, "jednostki.csv")
    assert result.problems[0].row is None
    assert "UTF-8" in result.problems[0].message


@pytest.mark.parametrize(("regon", "valid"), [
    ("123456785", True), ("123456784", False),
    ("12345678512347", True), ("12345678512348", False),
    ("101000000", True),  # weighted sum mod 11 is 10: the check digit is 0
    ("000331501", True), ("12345678", False), ("12345678A", False),
])
def test_regon_checksum(regon, valid):
    assert regon_is_valid(regon) is valid


def test_emails_split_on_commas_semicolons_and_spaces():
    assert parse_emails("A@Example.PL; b@example.pl,  a@example.PL x@") == (
        ["A@example.pl", "b@example.pl"], ["x@"])


def test_create_jst_gminas_from_the_sample_territories(app, world):
    emails = "teryt;email\r\n1604023;ug@kluczbork.example.pl\r\n166101;um@opole.example.pl\r\n"
    with app.app_context():
        result = create_jst_units("gmina", emails.encode(), "adresy.csv")
        db.session.commit()
        assert result.created == 11
        names = dict(db.session.execute(select(Unit.teryt, Unit.name)).all())
        assert names["160402"] == "Gmina Kluczbork"
        assert names["160403"] == "Gmina Lasowice Wielkie"
        assert names["166101"] == "Miasto Opole"
        assert db.session.scalars(select(Unit.emails).where(Unit.teryt == "160402")).one() == (
            "ug@kluczbork.example.pl")
        assert len(result.without_email) == 9
        again = create_jst_units("gmina", b"teryt;email\n160401;ug@byczyna.example.pl\n")
        assert (again.created, again.updated, again.unchanged) == (0, 1, 10)
        assert _count() == 11


def test_create_jst_powiats(app, world):
    with app.app_context():
        result = create_jst_units("powiat")
        db.session.commit()
        names = sorted(db.session.scalars(select(Unit.name).where(Unit.kind == "powiat")))
    assert result.created == 4
    assert names == ["Miasto Opole", "Powiat kluczborski", "Powiat nyski", "Powiat opolski"]


def test_create_jst_email_file_problems_stop_everything(app, world):
    emails = ("teryt;email\n160402;ug@kluczbork.example.pl\n1604;sp@powiat.example.pl\n"
              "160402;inny@example.pl\n169901;x@example.pl\n160901;zly@\n")
    with app.app_context():
        result = create_jst_units("gmina", emails.encode(), "adresy.csv")
        db.session.commit()
        assert _count() == 0
    assert [(p.row, p.column) for p in result.problems] == [
        (4, "teryt"), (5, "teryt"), (6, "email")]
    assert result.problems[0].message == "kod 160402 był już w wierszu 2"
    assert result.problems[1].message == "nie ma kodu 169901 w rejestrze TERYT"


def test_create_jst_one_file_of_gminas_and_powiats_serves_both_runs(app, world):
    """The README's national set-up passes one address file to ``--kind gmina`` and ``powiat``."""
    emails = ("teryt;email\n160402;ug@kluczbork.example.pl\n1604;sp@powiat.example.pl\n"
              "1661;um@opole.example.pl\n")
    with app.app_context():
        gminy = create_jst_units("gmina", emails.encode(), "adresy.csv")
        powiaty = create_jst_units("powiat", emails.encode(), "adresy.csv")
        db.session.commit()
        addresses = dict(db.session.execute(select(Unit.teryt, Unit.emails)
                                            .where(Unit.emails != "")).all())
    assert (gminy.problems, gminy.other_level) == ([], 2)
    assert (powiaty.problems, powiaty.other_level) == ([], 1)
    assert addresses == {"160402": "ug@kluczbork.example.pl", "1604": "sp@powiat.example.pl",
                         "1661": "um@opole.example.pl"}


def test_create_jst_without_territories_says_to_import_terc(app):
    with app.app_context():
        result = create_jst_units("gmina")
    assert "flask territory import" in result.problems[0].message


@pytest.mark.parametrize(("code", "level", "rodz", "name", "kind_label", "expected"), [
    ("020101", "gmina", "1", "Bolesławiec", "gmina miejska", "Miasto Bolesławiec"),
    ("020102", "gmina", "2", "Bolesławiec", "gmina wiejska", "Gmina Bolesławiec"),
    ("1465", "powiat", None, "Warszawa", "miasto stołeczne, na prawach powiatu",
     "Miasto Stołeczne Warszawa"),
    ("0201", "powiat", None, "bolesławiecki", "powiat", "Powiat bolesławiecki"),
])
def test_jst_names_tell_same_named_gminas_apart(code, level, rodz, name, kind_label, expected):
    territory = Territory(code=code, level=level, rodz=rodz, name=name, kind_label=kind_label)
    assert jst_unit_name(territory) == expected


def test_cli_prints_row_problems_and_exits_1_or_prints_counts(app, world, runner, tmp_path):
    bad = tmp_path / "jednostki.csv"
    bad.write_bytes(_csv([GOOD[0], ["cis", "CIS X", "160402", "zly-adres", "", "", ""]]))
    result = runner.invoke(args=["units", "import", str(bad)])
    assert result.exit_code == 1
    assert "jednostki.csv: wiersz 3, kolumna e-mail: niepoprawny adres e-mail: zly-adres" in (
        result.output)
    good = tmp_path / "jednostki.xlsx"
    good.write_bytes(_xlsx(GOOD))
    result = runner.invoke(args=["units", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Nowych jednostek 5, zmienionych 0, bez zmian 0." in result.output
    emails = tmp_path / "adresy.csv"
    emails.write_text("kod_teryt;e-mail\n1604;starostwo@kluczbork.example.pl\n", encoding="utf-8")
    result = runner.invoke(args=["units", "create-jst", "--kind", "powiat", "--emails",
                                 str(emails)])
    assert result.exit_code == 0, result.output
    assert "Nowych jednostek 4" in result.output
    assert "Bez adresu e-mail (3): 1607, 1609, 1661." in result.output


def test_phones_for_the_call_list_are_imported_and_checked(app, world):
    header = ["rodzaj", "nazwa", "kod_teryt", "e-mail", "telefon"]
    rows = [["gmina", "Gmina Byczyna", "160401", "ug@byczyna.example.pl",
             "77 413 41 00; +48 600 100 200"],
            ["gmina", "Gmina Kluczbork", "160402", "ug@kluczbork.example.pl", "zadzwoń rano"]]
    with app.app_context():
        result = import_units(_csv(rows, header=header), "jst.csv")
        assert result.problems == [RowProblem(
            3, "telefon", "„zadzwoń rano” nie jest numerem telefonu (cyfry, spacje, „+”, "
                          "„-”, nawiasy)")]
        assert _count() == 0
        result = import_units(_csv(rows[:1], header=header), "jst.csv")
        assert result.ok, result.problems
        db.session.commit()
        unit = db.session.scalars(select(Unit)).one()
        assert unit.phones == "77 413 41 00, +48 600 100 200"
        assert unit.phone_list == ["77 413 41 00", "+48 600 100 200"]
