"""Benchmark: the national JST round (2 859 units) → xlsx, DOCX and PDF, with maps and charts.

``python -m bench.documents_bench [--db URL]`` generates a "Nowa wiedza"-like round: every
powiat of the shipped outlines (380, real TERYT codes, so every map shape is filled), its
gminas (2 479 + 66 cities with powiat rights) and the powiat offices — 2 859 JST, about 85 %
of them answering the ``jst-annual`` questionnaire. Then, each in a fresh process so that
peak memory is its own:

* floor: read the rows, decode the JSON, write the raw cells (``reports_bench.floor_phase``);
* xlsx: database → frame → aggregates by województwo → figures (charts, maps by województwo
  and by powiat) → the workbook with its native charts and map images;
* docx: the same content → the document (charts and maps as PNG);
* pdf: the same content typeset by Typst in a child (``reports.document.write_pdf``), the
  contents numbered from its layout, tagged PDF/UA-1.

As the export does (``services.exports.started_ahead``), the figures' drawing child starts
when the phase starts, so it comes up while the tables are made.

The phases run interleaved (floor, xlsx, docx, pdf, floor, …) ``--runs`` times (at least 5,
``bench/hygiene.py``); it prints each one's seconds and its ratio to the floor of the same run
as the median with the minimum and maximum, the largest peak RSS, the pages, and the machine's
load. The goal is ≤ 3 × the floor and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.hygiene import MIN_RUNS, Load, Spread, ratios
from bench.reports_bench import _app, answers, floor_phase
from tests.support.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO, GOAL_RSS_MB = 3.0, 1024
PHASES = ("floor", "xlsx", "docx", "pdf")
UNITS = 2859
ANSWERING = 0.85


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="URL bazy (domyślnie plik SQLite w katalogu tymczasowym)")
    parser.add_argument("--runs", type=int, default=MIN_RUNS,
                        help=f"przebiegi każdej fazy (co najmniej {MIN_RUNS})")
    parser.add_argument("--phase", choices=["floor", "xlsx", "docx", "pdf"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.phase:
        if args.phase == "floor":
            result = floor_phase(args.db, args.round, Path(args.out))
        else:
            result = document_phase(args.phase, args.db, args.round, Path(args.out))
        print(json.dumps(result))
        return
    with (tempfile.TemporaryDirectory(prefix="esmon-docbench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_docbench") as url):
        started = time.perf_counter()
        round_id = generate(url)
        print(f"Wygenerowano rundę krajową: {UNITS} JST w "
              f"{time.perf_counter() - started:.1f} s ({url.split('?')[0]}); "
              f"obciążenie maszyny: {os.getloadavg()[0]:.1f}.", flush=True)
        with Load() as load:
            runs = [{phase: _child(phase, url, round_id, Path(tmp) / f"raport.{_ext(phase)}")
                     for phase in PHASES} for _ in range(max(args.runs, MIN_RUNS))]
    _print(runs, load)


def _ext(phase: str) -> str:
    return "xlsx" if phase == "floor" else phase


def _child(phase: str, url: str, round_id: int, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.documents_bench", "--phase", phase, "--db", url,
               "--round", str(round_id), "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{phase} nie powiodło się:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["size_mb"] = out.stat().st_size / 2**20
    if phase == "pdf":
        from pypdf import PdfReader

        result["pages"] = len(PdfReader(str(out)).pages)
    return result


def _print(runs: list[dict[str, dict[str, Any]]], load: Load) -> None:
    """Per phase: seconds and the ratio to the same run's floor (median, min–max), the
    largest peak RSS, the file's size; the phases' parts; the verdict and the load."""
    print(f"{'wynik':<8}{'sekundy (mediana, min–max)':>30}{'× podłoga (mediana, min–max)':>31}"
          f"{'RSS MB':>8}{'MB pliku':>10}")
    verdicts = []
    for phase in PHASES:
        seconds = Spread.of([run[phase]["total"] for run in runs])
        ratio = ratios([run[phase]["total"] for run in runs],
                       [run["floor"]["total"] for run in runs])
        rss = max(run[phase]["rss_mb"] for run in runs)
        print(f"{phase:<8}{_range(seconds):>30}{_range(ratio):>31}{rss:>8.0f}"
              f"{runs[-1][phase]['size_mb']:>10.1f}")
        if phase != "floor":
            verdicts.append(ratio.median <= GOAL_RATIO and rss <= GOAL_RSS_MB)
    for phase in PHASES[1:]:
        parts = ", ".join(f"{k} {Spread.of([run[phase][k] for run in runs]).median:.2f} s"
                          for k in runs[0][phase] if k.startswith("t_"))
        print(f"  {phase} (mediany): {parts}")
    children = max(r["children_rss_mb"] for run in runs for r in run.values()
                   if "children_rss_mb" in r)
    print(f"PDF: {runs[-1]['pdf'].get('pages')} stron; procesy potomne (rysowanie rycin, Typst) "
          f"szczyt RSS {children:.0f} MB; przebiegów: {len(runs)}")
    verdict = "OK" if all(verdicts) else "PONAD CEL"
    print(f"cel: ≤ {GOAL_RATIO}× podłogi (mediana) i ≤ {GOAL_RSS_MB} MB — {verdict}")
    print(load.line())


def _range(spread: Spread) -> str:
    return f"{spread.median:.2f} ({spread.low:.2f}–{spread.high:.2f})"


# ------------------------------------------------------------------------------- generation


def _places() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Territories (the real powiats and województwa, synthetic gminas) and the units."""
    from reports import geo

    today = date(2025, 1, 1)
    territories, places = [], []

    def add(code: str, level: str, name: str, kind: str, rodz: str | None = None) -> None:
        territories.append({"code": code, "level": level, "name": name, "kind_label": kind,
                            "rodz": rodz, "valid_on": today})

    for area in geo.wojewodztwa():
        add(area.code, "wojewodztwo", area.name.upper(), "województwo")
    powiats = geo.powiaty()
    regular = [p for p in powiats if int(p.code[2:]) < 61]
    cities = [p for p in powiats if int(p.code[2:]) >= 61]
    gminas = UNITS - len(regular) - len(cities)
    base, extra = divmod(gminas, len(regular))
    for area in cities:
        add(area.code, "powiat", area.name, "miasto na prawach powiatu")
        add(f"{area.code}01", "gmina", area.name, "gmina miejska", "1")
        places.append({"code": f"{area.code}01", "rodz": "1", "level": "gmina",
                       "name": f"Miasto {area.name}"})
    for i, area in enumerate(regular):
        add(area.code, "powiat", area.name, "powiat")
        places.append({"code": area.code, "rodz": None, "level": "powiat",
                       "name": f"Powiat {area.name}"})
        for g in range(1, base + (1 if i < extra else 0) + 1):
            rodz = "123"[(g + i) % 3]
            code = f"{area.code}{g:02d}"
            add(code, "gmina", f"{area.name} {g}", "gmina", rodz)
            places.append({"code": code, "rodz": rodz, "level": "gmina",
                           "name": f"Gmina {area.name} {g}"})
    return territories, places


def generate(url: str, seed: int = 2026) -> int:
    """A fresh schema with the national round; returns its id."""
    from extensions import db
    from models import Invitation, Response, Territory, Unit
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round

    rng = random.Random(seed)
    app = _app(url)
    with app.app_context():
        db.create_all()
        territories, places = _places()
        db.session.execute(Territory.__table__.insert(), territories)
        questionnaire = next(q for q in sync_questionnaires() if q.key == "jst-annual")
        round_ = create_round(questionnaire, period="2025", reporting_year=2025,
                              opens_on=date(2026, 1, 15), deadline=date(2026, 3, 31),
                              status="closed")
        db.session.commit()
        round_id = round_.id
        units, invitations, responses = [], [], []
        for i, place in enumerate(places, start=1):
            kind = place["level"]
            units.append({"id": i, "kind": kind, "name": place["name"], "teryt": place["code"],
                          "emails": f"jst{i}@example.pl", "is_active": True})
            invitations.append({"id": i, "round_id": round_id, "unit_id": i})
            if rng.random() < ANSWERING:
                responses.append({
                    "id": i, "invitation_id": i, "version": 1,
                    "status": "accepted" if rng.random() < 0.3 else "submitted",
                    "answers": answers(rng, place, kind), "warnings": {},
                    "sections_saved": [], "submitted_at": datetime(2026, 3, 1)})
        connection = db.session.connection()
        connection.execute(Unit.__table__.insert(), units)
        connection.execute(Invitation.__table__.insert(), invitations)
        connection.execute(Response.__table__.insert(), responses)
        db.session.commit()
    return round_id


# ---------------------------------------------------------------------------------- phases


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def document_phase(phase: str, url: str, round_id: int, out: Path) -> dict[str, float]:
    """The real export of one format, from the database to the file."""
    from extensions import db
    from reports import build
    from reports.document import DocumentInfo, write_document, write_pdf
    from reports.figures import draw
    from reports.frame import build_frame
    from reports.indicators import indicators_path, load_indicators_file
    from reports.maps import wojewodztwa_of
    from reports.xlsx import ReportInfo, write_report
    from services.exports import started_ahead
    from services.report_source import round_info, round_records, round_survey

    app = _app(url)
    timings: dict[str, float] = {}
    with app.app_context():
        session = db.session
        started = time.perf_counter()
        # as the export does: the figures' drawing child starts now (matplotlib loads
        # meanwhile)
        with started_ahead(phase, "regional"):
            info = round_info(session, round_id)
            survey = round_survey(session, round_id)
            frame = build_frame(round_records(session, round_id), survey,
                                reporting_year=info.reporting_year)
            timings["t_frame"] = time.perf_counter() - started
            indicators, _ = load_indicators_file(
                indicators_path(app.config["SURVEY_DEFS_DIR"], survey.key), survey)
            content = build.regional(
                ReportInfo("Raport krajowy", info.label, info.period, info.key, datetime.now()),
                frame, ["wojewodztwo"], indicators=indicators)
            mark = time.perf_counter()
            content.figures = draw(content.report, wojewodztwa_of(frame.data["territory"]),
                                   indicators=content.indicators, yoy=content.yoy,
                                   levels=content.levels)
            timings["t_tables_figures"] = time.perf_counter() - mark
            mark = time.perf_counter()
            if phase == "xlsx":
                write_report(out, content)
            else:
                data = content.frame.data
                invited = data.groupby("unit_kind").size()
                done = content.frame.submitted.groupby(data["unit_kind"]).sum()
                about = DocumentInfo("Ministerstwo — projekt „Nowa wiedza”", date(2026, 1, 15),
                                     date(2026, 3, 31), None,
                                     {str(k): (int(invited[k]), int(done[k]))
                                      for k in invited.index})
                if phase == "docx":
                    write_document(out, content, content.figures, about)
                else:
                    write_pdf(out, content, content.figures, about)
            timings["t_write"] = time.perf_counter() - mark
        total = time.perf_counter() - started
    # the children: the figures' drawing child and Typst (reports/typst_compile.py)
    return {**timings, "total": total, "rss_mb": _rss_mb(),
            "children_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


if __name__ == "__main__":
    main()
