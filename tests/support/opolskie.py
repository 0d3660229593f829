"""A JST round over the 12 powiats of opolskie with known response rates (maps, charts)."""

from __future__ import annotations

from pathlib import Path

from forms.loader import load_survey_file
from reports.frame import ReportFrame, build_frame

ROOT = Path(__file__).resolve().parent.parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "jst-annual.yaml")
NUTS3 = {"1601": "nyski", "1602": "nyski", "1603": "nyski", "1607": "nyski", "1610": "nyski",
         "1604": "opolski", "1605": "opolski", "1606": "opolski", "1608": "opolski",
         "1609": "opolski", "1611": "opolski", "1661": "opolski"}
#: powiat → (invited gminas, of which submitted) — rates 0, 25, 50, 60, 75, 80, 100 %
RATES = {"1601": (4, 0), "1602": (4, 1), "1603": (4, 2), "1604": (5, 3), "1605": (4, 3),
         "1606": (5, 4), "1607": (4, 4), "1608": (2, 1), "1609": (10, 9), "1610": (4, 3),
         "1611": (4, 2), "1661": (1, 1)}

def opolskie_records() -> list[dict]:
    found, uid = [], 0
    for powiat, (invited, submitted) in RATES.items():
        for i in range(invited):
            uid += 1
            code = f"{powiat}{i + 1:02d}"
            found.append({
                "unit_id": uid, "unit_name": f"Gmina {code}", "unit_kind": "gmina",
                "territory": code, "rodz": "2", "powiat_name": f"p{powiat}",
                "wojewodztwo_name": "OPOLSKIE",
                "status": "submitted" if i < submitted else "invited",
                "answers": {"zam_ogolem_liczba": 10 * (int(powiat[2:]) % 20),
                            "klauzule_stosowane": "yes"},
            })
    return found


def opolskie_frame() -> ReportFrame:
    return build_frame(opolskie_records(), SURVEY, NUTS3, reporting_year=2025)


def regional_content(frame: ReportFrame, levels=("powiat", "podregion"), indicators=(),
                     gmina_maps_dir: Path | None = None, definition=None):
    """The regional report of ``frame`` (chapters of the default or given definition) with
    its figures drawn from the chapters' charts and maps."""
    from datetime import datetime

    from reports import build
    from reports.figures import draw
    from reports.xlsx import ReportInfo

    info = ReportInfo("Raport regionalny", "Ankieta JST — 2025 (runda nr 4)", "2025",
                      "jst-annual wersja 1", datetime(2026, 3, 2, 12, 0))
    content = build.regional(info, frame, levels, indicators=indicators,
                             definition=definition)
    content.figures = draw(content.report, ["16"], podregiony=NUTS3,
                           gmina_maps_dir=gmina_maps_dir, indicators=content.indicators,
                           yoy=content.yoy, levels=content.levels)
    return content
