"""Register files made to hurt are refused early, with a located Polish message.

YAML aliases of aliases, a million rows, a 30 MB cell in a tiny XLSX, a ZIP that inflates a
thousandfold, NUL and other control characters, texts longer than their column — and no value
from a file is echoed back longer than about 80 characters.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest
from openpyxl import Workbook

from extensions import db
from services.subregions import import_subregions
from services.teryt import TercFormatError, import_terc
from services.units_import import import_units
from services.uploads import ECHO_LIMIT, MAX_CELL_CHARS, MAX_LISTED_PROBLEMS, MAX_ROWS, echo

from support import ROOT, STAFF_PASSWORD

HEADER = "rodzaj;nazwa;kod_teryt;e-mail\n"
GOOD_ROW = "cis;CIS w Kluczborku;160402;cis@kluczbork.example.pl\n"


def alias_bomb(levels: int = 9) -> str:
    """A few hundred bytes of YAML whose aliases expand ninefold on each level."""
    lines = ["scheme: bomba", 'a0: &a0 ["1604", "1604", "1604", "1604", "1604", "1604", "1604", '
             '"1604", "1604"]']
    for n in range(1, levels):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    lines.append("subregions:")
    lines.append(f"  - {{name: x, code: X, powiats: *a{levels - 1}}}")
    return "\n".join(lines) + "\n"


def _longest_run(text: str, char: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        best = max(best, run)
    return best


def _admin(app, staff_user):
    staff_user("admin@rops.example.pl", "admin")
    client = app.test_client()
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    return client


# --- YAML: anchors and aliases ---------------------------------------------------------------

def test_alias_bomb_is_refused_under_a_memory_limit(tmp_path):
    """Run the import in a process that may use 1 GB at most: the bomb expands to ~19 GB."""
    bomb = tmp_path / "bomba.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert len(bomb.read_bytes()) < 1000
    script = textwrap.dedent(f"""
        import resource, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        from app import create_app
        from extensions import db
        from support import make_config
        from services.subregions import import_subregions
        from pathlib import Path
        app = create_app(make_config("sqlite://", Path({str(tmp_path)!r})))
        with app.app_context():
            db.create_all()
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
            result = import_subregions(Path({str(bomb)!r}).read_bytes(), "bomba.yaml")
            print(len(result.problems), max(len(str(p)) for p in result.problems))
            print(result.problems[0])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "ESMON_ENV": "development"})
    assert done.returncode == 0, done.stderr[-2000:]
    count, longest = done.stdout.splitlines()[0].split()
    assert count == "1"
    assert int(longest) < 300
    assert "kotwic lub aliasów" in done.stdout
    assert "wiersz 2" in done.stdout  # the line of the first anchor


def test_alias_bomb_upload_gives_a_short_page(app, world, staff_user):
    client = _admin(app, staff_user)
    page = client.post("/admin/rejestr/podregiony", data={
        "scheme": "bomba", "file": (io.BytesIO(alias_bomb(5).encode()), "bomba.yaml")})
    assert page.status_code == 200
    assert "kotwic lub aliasów" in page.text
    assert len(page.data) < 100_000


def test_a_single_anchor_is_refused_too(app, world):
    text = "subregions:\n  - name: &n północny\n    powiats: ['1604']\n  - name: *n\n" \
           "    powiats: ['1607']\n"
    with app.app_context():
        result = import_subregions(text.encode(), "podzial.yaml", "owes")
    assert [(p.row, "kotwic" in p.message) for p in result.problems] == [(2, True)]


def test_only_scalar_items_are_accepted(app, world):
    text = ("subregions:\n  - name: północny\n    code: [A, B]\n    powiats: ['1604']\n"
            "  - name: południowy\n    powiats:\n      - '1607'\n      - [1609, 1661]\n"
            "      - {kod: '1661'}\n")
    with app.app_context():
        result = import_subregions(text.encode(), "podzial.yaml", "owes")
    assert [(p.row, p.column) for p in result.problems] == [(3, "code"), (8, "powiats"),
                                                           (9, "powiats")]
    assert all("nie listą ani słownikiem" in p.message for p in result.problems)


# --- echoed values ---------------------------------------------------------------------------

def test_echo_cuts_a_value_to_about_eighty_characters(app):
    assert echo("1604") == "1604"
    with app.test_request_context():  # the count is said in the request's language
        long = echo("x" * 10_000)
        assert "82 znaki" in echo("x" * 82), "Polish plural forms (issue 12)"
    assert long.startswith("x" * ECHO_LIMIT + "…")
    assert "10000 znaków" in long
    assert len(long) < ECHO_LIMIT + 30
    assert echo("a\x00b") == "a\\x00b"


def test_no_importer_echoes_a_long_value(app, world, staff_user):
    huge = "7" * 50_000
    with app.app_context():
        subregions = import_subregions(f"powiat;podregion\n{huge};A\n1604;B\n".encode(),
                                       "p.csv", "owes")
        units = import_units((HEADER + f"{huge};{'N' * 1000};{huge};{huge}@x\n").encode(),
                             "u.csv")
        header = import_units(("rodzaj;nazwa;kod_teryt;e-mail;" + "Z" * 5000 + ";"
                               + "Z" * 5000 + "\n" + GOOD_ROW).encode(), "h.csv")
    assert header.ok
    assert [len(name) < ECHO_LIMIT + 30 for name in header.ignored_columns] == [True, True]
    for result in (subregions, units):
        assert result.problems
        for problem in result.problems:
            assert _longest_run(str(problem), "7") <= ECHO_LIMIT
            assert _longest_run(str(problem), "Z") <= ECHO_LIMIT
            assert len(str(problem)) < 400, str(problem)[:500]
    with app.app_context(), pytest.raises(TercFormatError) as err:
        import_terc(("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n" + huge
                     + ";;;;Opolskie;województwo;2025-01-01\n").encode(), "terc.csv")
    assert len(str(err.value)) < 300
    client = _admin(app, staff_user)
    page = client.post("/admin/rejestr/import", data={
        "units-file": (io.BytesIO((HEADER + f"{huge};x;{huge};a@b.pl\n").encode()), "u.csv")})
    assert page.status_code == 200
    assert _longest_run(page.text, "7") <= ECHO_LIMIT


# --- caps ------------------------------------------------------------------------------------

def test_a_million_rows_are_refused_without_reading_them_all(app, world):
    data = (HEADER + "x;y;z;w\n" * 1_000_000).encode()
    with app.app_context():
        result = import_units(data, "milion.csv")
    assert [p.row for p in result.problems] == [None]
    assert f"więcej niż {MAX_ROWS} wierszy" in result.problems[0].message


def test_the_row_cap_admits_a_file_of_exactly_the_cap(app, world):
    data = (HEADER + "cis;CIS;160402;bez-malpy\n" * MAX_ROWS).encode()
    with app.app_context():
        result = import_units(data, "duzo.csv")
    assert len(result.problems) == MAX_ROWS  # read and checked: every row has a bad address
    assert all("niepoprawny adres" in p.message for p in result.problems)


def test_only_the_first_hundred_problems_are_listed_with_a_count(app, world, staff_user):
    data = (HEADER + "cis;CIS;160402;bez-malpy\n" * 500).encode()
    client = _admin(app, staff_user)
    page = client.post("/admin/rejestr/import", data={
        "units-file": (io.BytesIO(data), "zle.csv")})
    assert page.status_code == 200
    assert page.text.count("niepoprawny adres e-mail") == MAX_LISTED_PROBLEMS
    assert "i jeszcze 400 problemów" in page.text
    assert "popraw 500 problemów" in page.text


def test_cli_lists_the_first_hundred_problems(app, world, runner, tmp_path):
    path = tmp_path / "zle.csv"
    path.write_text(HEADER + "cis;CIS;160402;bez-malpy\n" * 150, encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.count("niepoprawny adres e-mail") == MAX_LISTED_PROBLEMS
    assert "i jeszcze 50" in result.output
    assert "problemów 150" in result.output


def _xlsx_with_cell(length: int) -> bytes:
    """A workbook whose one name cell holds ``length`` characters (deflated: a few KB)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["rodzaj", "nazwa", "kod_teryt", "e-mail"])
    sheet.append(["cis", "PLACEHOLDER", "160402", "cis@example.pl"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if b"PLACEHOLDER" in data:
                data = data.replace(b"PLACEHOLDER", b"A" * length)
            target.writestr(info.filename, data)
    return out.getvalue()


def test_a_huge_cell_in_a_small_xlsx_is_refused_before_it_is_read(app, world):
    data = _xlsx_with_cell(30 * 1024 * 1024)
    assert len(data) < 100_000
    with app.app_context():
        result = import_units(data, "maly.xlsx")
    [problem] = result.problems
    assert problem.row is None
    assert "po rozpakowaniu zajmuje 30 MB" in problem.message


def test_a_long_cell_is_a_located_problem(app, world):
    with app.app_context():
        result = import_units(_xlsx_with_cell(MAX_CELL_CHARS + 1), "dlugi.xlsx")
        csv_result = import_units((HEADER + "cis;" + "B" * 200_000 + ";160402;a@b.pl\n")
                                  .encode(), "dlugi.csv")
    assert [(p.row, p.column) for p in result.problems] == [(2, "nazwa")]
    assert f"dopuszczalne najwyżej {MAX_CELL_CHARS}" in result.problems[0].message
    [problem] = csv_result.problems
    assert "Wiersz 2" in problem.message  # beyond the csv module's own limit: still located


def test_a_terc_zip_that_inflates_too_much_is_refused_before_inflating(app, world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("TERC.xml", b"<teryt>" + b" " * (40 * 1024 * 1024) + b"</teryt>")
    assert len(out.getvalue()) < 200_000
    with app.app_context(), pytest.raises(TercFormatError) as err:
        import_terc(out.getvalue(), "TERC.zip")
    assert "po rozpakowaniu zajmuje 40 MB" in str(err.value)


# --- control characters and column sizes (both databases) ------------------------------------

def test_nul_and_control_characters_in_a_units_file_are_located_problems(app, world):
    rows = ("cis;CIS w\x00Kluczborku;160402;cis@kluczbork.example.pl\n"
            "kis;KIS\x07 Opole;1661011;kis@opole.example.pl\n" + GOOD_ROW)
    with app.app_context():
        result = import_units((HEADER + rows).encode(), "nul.csv")
        db.session.rollback()
        from models import Unit

        assert db.session.query(Unit).count() == 0
    assert [(p.row, p.column) for p in result.problems] == [(2, "nazwa"), (3, "nazwa")]
    assert "U+0000" in result.problems[0].message
    assert "U+0007" in result.problems[1].message


def test_nul_in_an_upload_is_a_located_problem_not_a_500(app, world, staff_user):
    client = _admin(app, staff_user)
    page = client.post("/admin/rejestr/import", data={"units-file": (
        io.BytesIO((HEADER + "cis;CIS\x00;160402;a@b.pl\n").encode()), "nul.csv")})
    assert page.status_code == 200
    assert "U+0000" in page.text
    page = client.post("/admin/rejestr/podregiony", data={"scheme": "owes", "file": (
        io.BytesIO(b'subregions:\n  - name: "p\\0n"\n    powiats: ["1604"]\n'),
        "p.yaml")})
    assert page.status_code == 200
    assert "U+0000" in page.text


def test_texts_longer_than_their_column_are_located_problems(app, world, staff_user):
    client = _admin(app, staff_user)
    page = client.post("/admin/rejestr/podregiony", data={"scheme": "owes", "file": (
        io.BytesIO(f"powiat;podregion;kod_podregionu\n1604;{'p' * 121};{'K' * 21}\n".encode()),
        "p.csv")})
    assert page.status_code == 200
    assert "tekst ma 121 znaków, dopuszczalne najwyżej 120" in page.text
    assert "tekst ma 21 znaków, dopuszczalne najwyżej 20" in page.text
    with app.app_context(), pytest.raises(TercFormatError) as err:
        import_terc(("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n16;;;;" + "o" * 121
                     + ";województwo;2025-01-01\n").encode(), "terc.csv")
    assert "wiersz 2, kolumna NAZWA: tekst ma 121 znaków" in str(err.value)
    with app.app_context(), pytest.raises(TercFormatError) as err:
        import_terc("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n16;;;;Opol\x01skie;"
                    "województwo;2025-01-01\n".encode(), "terc.csv")
    assert "U+0001" in str(err.value)
