"""TERC import: every published format gives the same territories, history by date, errors."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from extensions import db
from models import Territory, TerritoryVersion
from services.teryt import TercFormatError, import_terc, read_terc, rodz_map_on, rodz_on

SAMPLE_TERC = Path(__file__).resolve().parent.parent / "demo" / "terc_sample.csv"
REAL_TERC = Path("/work/shared/data/teryt/TERC_Urzedowy_2025-01-01.xml")
COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
#: rows added to the sample: a województwo with a leading zero, a name shared by two gminas,
#: and the town / rural parts of an urban-rural gmina, which are not JST and must be skipped
EXTRA_ROWS = [
    "02;;;;DOLNOŚLĄSKIE;województwo;2025-01-01",
    "02;01;;;bolesławiecki;powiat;2025-01-01",
    "02;01;01;1;Bolesławiec;gmina miejska;2025-01-01",
    "02;01;02;2;Bolesławiec;gmina wiejska;2025-01-01",
    "16;04;02;4;Kluczbork;miasto;2025-01-01",
    "16;04;02;5;Kluczbork;obszar wiejski;2025-01-01",
]


def _records(stan_na: str = "2025-01-01", changes: dict | None = None) -> list[dict[str, str]]:
    """The sample register plus ``EXTRA_ROWS`` as dicts; ``changes`` edits rows by 7-digit code."""
    lines = SAMPLE_TERC.read_text(encoding="utf-8").splitlines()[1:] + EXTRA_ROWS
    records = []
    for line in lines:
        record = dict(zip(COLUMNS, line.split(";"), strict=True))
        record["STAN_NA"] = stan_na
        code = record["WOJ"] + record["POW"] + record["GMI"] + record["RODZ"]
        record.update((changes or {}).get(code, {}))
        records.append(record)
    return records


def _csv(records: list[dict], *, bom: bool = False) -> bytes:
    text = "\r\n".join([";".join(COLUMNS)] + [";".join(r[c] for c in COLUMNS) for r in records])
    return ("\ufeff" if bom else "").encode() + (text + "\r\n").encode("utf-8")


def _xml(records: list[dict]) -> bytes:
    """The current GUS layout: an element per column."""
    rows = "".join(
        "<row>" + "".join(f"<{c}>{escape(r[c])}</{c}>" if r[c] else f"<{c} />" for c in COLUMNS)
        + "</row>\n" for r in records)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<teryt><catalog name="TERC" type="ALL" '
            f'date="{records[0]["STAN_NA"]}">\n{rows}</catalog></teryt>').encode()


def _old_xml(records: list[dict]) -> bytes:
    """The older layout: ``<col name="…">`` and ``NAZDOD`` instead of ``NAZWA_DOD``."""
    def col(name: str, value: str) -> str:
        name = "NAZDOD" if name == "NAZWA_DOD" else name
        return f'<col name="{name}">{escape(value)}</col>' if value else f'<col name="{name}"/>'

    rows = "".join("<row>" + "".join(col(c, r[c]) for c in COLUMNS) + "</row>\n"
                   for r in records)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<teryt><catalog name="TERC" type="all">\n'
            f"{rows}</catalog></teryt>").encode()


def _zip(data: bytes, member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


def _snapshot() -> set[tuple]:
    return {(t.code, t.level, t.name, t.kind_label, t.rodz, t.valid_on)
            for t in db.session.scalars(select(Territory))}


def _clear() -> None:
    db.session.execute(sa.delete(TerritoryVersion))
    db.session.execute(sa.delete(Territory))
    db.session.commit()


FORMATS = {
    "csv-bom": lambda r: _csv(r, bom=True),
    "xml": _xml,
    "old-xml": _old_xml,
    "zip": lambda r: _zip(_csv(r), "TERC_Urzedowy_2025-01-01.csv"),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_gives_the_same_territories(app, fmt):
    records = _records()
    with app.app_context():
        import_terc(_csv(records), "TERC.csv")
        db.session.commit()
        expected = _snapshot()
        _clear()
        summary = import_terc(FORMATS[fmt](records), f"TERC.{fmt}")
        db.session.commit()
        assert _snapshot() == expected
    assert summary.created == len(expected) == 20  # 2 województwa, 5 powiats, 13 gminas
    assert ("020102", "gmina", "Bolesławiec", "gmina wiejska", "2", date(2025, 1, 1)) in expected
    assert ("1661", "powiat", "Opole", "miasto na prawach powiatu", None,
            date(2025, 1, 1)) in expected


def test_codes_stay_text_with_leading_zeros_and_stan_na_is_kept(app):
    with app.app_context():
        import_terc(_csv(_records()), "TERC.csv")
        db.session.commit()
        codes = set(db.session.execute(sa.text("SELECT code FROM territories")).scalars())
        assert {"02", "0201", "020101", "020102"} <= codes
        version_codes = set(db.session.scalars(select(TerritoryVersion.code)))
        assert version_codes == codes
        assert {t.valid_on for t in db.session.scalars(select(Territory))} == {date(2025, 1, 1)}
        assert db.session.get(Territory, "020101").teryt7 == "0201011"


def test_newer_register_changes_rodz_of_the_same_gmina(app):
    """Lasowice Wielkie (160403) gets town rights: RODZ 2 → 3 in the 2026 register."""
    newer = _records("2026-01-01", {"1604032": {"RODZ": "3",
                                                "NAZWA_DOD": "gmina miejsko-wiejska"}})
    with app.app_context():
        import_terc(_csv(_records()), "TERC.csv")
        db.session.commit()
        count = db.session.scalar(select(func.count()).select_from(Territory))
        summary = import_terc(_csv(newer), "TERC_2026.csv")
        db.session.commit()
        gmina = db.session.get(Territory, "160403")
        assert (summary.created, summary.updated) == (0, 1)
        assert db.session.scalar(select(func.count()).select_from(Territory)) == count
        assert (gmina.rodz, gmina.kind_label, gmina.valid_on) == (
            "3", "gmina miejsko-wiejska", date(2026, 1, 1))
        assert db.session.get(Territory, "160402").valid_on == date(2026, 1, 1)
        assert rodz_on("160403", date(2025, 12, 31)) == "2"
        assert rodz_on("1604032", date(2026, 1, 1)) == "3"
        assert rodz_on("160403", date(2024, 12, 31)) is None
        assert rodz_on("1604", date(2026, 1, 1)) is None  # a powiat has no RODZ
        assert rodz_map_on(date(2025, 6, 30), ["160403", "160402"]) == {"160403": "2",
                                                                        "160402": "3"}


def test_older_register_never_overwrites_a_newer_one(app):
    older = _records("2020-01-01", {"1604032": {"NAZWA": "Lasowice Wielkie (stara)"},
                                    "1604023": {"RODZ": "2", "NAZWA_DOD": "gmina wiejska"}})
    with app.app_context():
        import_terc(_csv(_records()), "TERC.csv")
        db.session.commit()
        before = _snapshot()
        summary = import_terc(_xml(older), "TERC_2020.xml")
        db.session.commit()
        assert _snapshot() == before
        assert summary.older == 20
        assert summary.updated == 0
        assert rodz_on("160402", date(2020, 12, 31)) == "2"
        assert rodz_on("160402", date(2025, 1, 1)) == "3"
        names = db.session.scalars(select(TerritoryVersion.name)
                                   .where(TerritoryVersion.code == "160403")).all()
        assert sorted(names) == ["Lasowice Wielkie", "Lasowice Wielkie (stara)"]


def test_reimporting_the_same_register_changes_nothing(app):
    with app.app_context():
        import_terc(_csv(_records()), "TERC.csv")
        db.session.commit()
        summary = import_terc(_xml(_records()), "TERC.xml")
        assert (summary.created, summary.updated, summary.versions) == (0, 0, 0)
        assert summary.unchanged == 20


def _bad(csv_lines: list[str]) -> bytes:
    return ("\r\n".join(csv_lines) + "\r\n").encode()


HEADER = ";".join(COLUMNS)
BAD_FILES = {
    "woj-one-digit": (_bad([HEADER, "16;;;;OPOLSKIE;województwo;2025-01-01",
                            "6;04;;;kluczborski;powiat;2025-01-01"]),
                      "wiersz 3, kolumna WOJ"),
    "missing-column": (_bad(["WOJ;POW;GMI;RODZ;NAZWA;STAN_NA", "16;;;;OPOLSKIE;2025-01-01"]),
                       "Wiersz 1: brak kolumn NAZWA_DOD"),
    "bad-date": (_bad([HEADER, "16;;;;OPOLSKIE;województwo;01.01.2025"]),
                 "wiersz 2, kolumna STAN_NA: niepoprawna data '01.01.2025'"),
    "column-count": (_bad([HEADER, "16;;;;OPOLSKIE;województwo;2025-01-01",
                           "16;04;;;kluczborski;2025-01-01"]),
                     "Wiersz 3: 6 kolumn zamiast 7"),
    "gmina-without-rodz": (_bad([HEADER, "16;04;02;;Kluczbork;gmina;2025-01-01"]),
                           "wiersz 2, kolumna RODZ"),
    "duplicate-gmina": (_bad([HEADER, "16;04;02;3;Kluczbork;gmina miejsko-wiejska;2025-01-01",
                              "16;04;02;2;Kluczbork;gmina wiejska;2025-01-01"]),
                        "wiersz 3, kolumna GMI: kod 160402 (Kluczbork) występuje w rejestrze "
                        "drugi raz"),
    "xml-bad-rodz": (_xml([{**r, "RODZ": "7"} if r["GMI"] == "03" and r["POW"] == "04" else r
                           for r in _records()]),
                     "element <row> nr 5, kolumna RODZ: '7' nie jest rodzajem"),
    "xml-broken": (b"<teryt><catalog><row><WOJ>16</WOJ></row>", "Plik XML jest uszkodzony"),
    "not-utf8": (("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\r\n16;;;;OPOLSKIE;województwo;"
                  "2025-01-01\r\n").encode("cp1250"), "nie jest zapisany w kodowaniu UTF-8"),
    "empty": (b"\xef\xbb\xbf \r\n", "Plik jest pusty"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_with_row_and_column_and_nothing_changes(app, case):
    data, expected = BAD_FILES[case]
    with app.app_context():
        with pytest.raises(TercFormatError) as error:
            import_terc(data, "TERC.csv")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Territory)) == 0
    assert expected in str(error.value)


def test_cli_reports_a_bad_file_and_imports_a_good_zip(app, runner, tmp_path):
    bad = tmp_path / "TERC.csv"
    bad.write_bytes(BAD_FILES["bad-date"][0])
    result = runner.invoke(args=["territory", "import", str(bad)])
    assert result.exit_code == 1
    assert "TERC.csv: wiersz 2, kolumna STAN_NA" in result.output
    good = tmp_path / "TERC.zip"
    good.write_bytes(_zip(_xml(_records()), "TERC_Urzedowy.xml"))
    result = runner.invoke(args=["territory", "import", str(good), "--region", "16"])
    assert result.exit_code == 0, result.output
    assert "nowych 16" in result.output
    older = tmp_path / "TERC_2020.csv"
    older.write_bytes(_csv(_records("2020-01-01")))
    result = runner.invoke(args=["territory", "import", str(older), "--region", "16"])
    assert result.exit_code == 0, result.output
    assert "Pominięto 16 jednostek: baza ma je z nowszego rejestru" in result.output


@pytest.mark.skipif(not REAL_TERC.exists(),
                    reason=f"brak prawdziwego pliku TERC {REAL_TERC} (dane wspólne projektu)")
def test_real_register_counts(app):
    with app.app_context():
        summary = import_terc(REAL_TERC.read_bytes(), REAL_TERC.name)
        db.session.commit()

        def count(*conditions) -> int:
            return db.session.scalar(select(func.count()).select_from(Territory)
                                     .where(*conditions))

        assert count(Territory.level == "wojewodztwo") == 16
        assert count(Territory.level == "powiat") == 380
        assert count(Territory.level == "gmina") == 2479
        assert [count(Territory.rodz == r) for r in "123"] == [302, 1459, 718]
        assert count(Territory.level == "powiat", Territory.code.startswith("16")) == 12
        assert count(Territory.level == "gmina", Territory.code.startswith("16")) == 71
        assert summary.valid_on == date(2025, 1, 1)
        assert summary.versions == 16 + 380 + 2479
        assert db.session.get(Territory, "160402").teryt7 == "1604023"
        assert db.session.get(Territory, "020101").display_name == "Bolesławiec (gmina miejska)"


@pytest.mark.parametrize("payload", [
    # billion laughs: nested entities that expand to gigabytes
    '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    "<teryt><catalog><row><NAZWA>&b;</NAZWA></row></catalog></teryt>",
    # an external entity reading a file of the server
    '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<teryt><catalog><row><NAZWA>&x;</NAZWA></row></catalog></teryt>",
])
def test_xml_with_entities_is_refused_before_it_is_read(payload):
    with pytest.raises(TercFormatError, match="encje, DTD"):
        read_terc(payload.encode(), "TERC.xml")
