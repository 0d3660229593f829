"""Benchmark: raw-data export of 2 500 responses × 40 questions, with codes and with labels.

``python -m bench.export_bench [--n 2500] [--runs 5] [--db URL]``

The round is the benchmark's own questionnaire (``bench/survey_40.py``: 30 whole numbers, 5
single choice, 5 short texts), ``--n`` submitted responses generated straight into the tables
(an SQLite file by default). Each run is what ``flask reports export --kind raw`` does after
the start: read the round from the database, build the frame, write the file — xlsx and CSV,
with codes and with ``--labels`` — the four interleaved, ``--runs`` times. The figures are
set against LimeSurvey 6.14 on the same machine (issue 18): xlsx with codes 1.41 s, CSV
0.72 s, the labelled ("full answers") export 166 s. Goals: the labelled export ≥ 100 ×
faster than 166 s, the coded xlsx no slower than 1.41 s.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMESURVEY = {"xlsx": 1.41, "csv": 0.72, "labels": 166.0}


def generate(url: str, tmp: Path, n: int, seed: int = 18):
    """The app on ``url`` and a closed round with ``n`` submitted responses; (app, round id)."""
    from app import create_app
    from bench.survey_40 import ANSWERS, KEY, OPTIONS, write_definition
    from extensions import db
    from models import Invitation, Response, Unit
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round
    from services.teryt import import_terc_file

    write_definition(tmp / "defs")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32),
                      "ESMON_ENV": "benchmark", "SURVEY_DEFS_DIR": str(tmp / "defs"),
                      "ESMON_WOJEWODZTWO": "16"}, read_environment=False)
    rng = random.Random(seed)
    with app.app_context():
        db.create_all()
        import_terc_file(ROOT / "demo" / "terc_sample.csv")
        questionnaire = next(q for q in sync_questionnaires() if q.key == KEY)
        round_ = create_round(questionnaire, period="2025", reporting_year=2025,
                              opens_on=date(2026, 1, 15), deadline=date(2026, 3, 31),
                              status="closed")
        db.session.commit()
        round_id = round_.id
        units, invitations, responses = [], [], []
        for i in range(1, n + 1):
            answers = dict(ANSWERS)
            for key in answers:
                if key.startswith("liczba_"):
                    answers[key] = rng.randint(0, 5000)
                elif key.startswith("wybor_"):
                    answers[key] = rng.choice(OPTIONS)[0]
            units.append({"id": i, "kind": "gmina", "name": f"Gmina {i}", "teryt": "160402",
                          "emails": f"g{i}@example.pl", "is_active": True})
            invitations.append({"id": i, "round_id": round_id, "unit_id": i})
            responses.append({"id": i, "invitation_id": i, "version": 1, "status": "submitted",
                              "answers": answers, "warnings": {}, "sections_saved": ["s1"],
                              "submitted_at": datetime(2026, 3, 1)})
        connection = db.session.connection()
        connection.execute(Unit.__table__.insert(), units)
        connection.execute(Invitation.__table__.insert(), invitations)
        connection.execute(Response.__table__.insert(), responses)
        db.session.commit()
    return app, round_id


def export_seconds(app, round_id: int, fmt: str, labels: bool, out: Path) -> float:
    """CPU seconds of one raw export, as the command line makes it after starting.

    CPU, not wall time: the export is one thread bound by the CPU, and on a shared machine
    its wall time mostly measures the wait for a core.
    """
    from reports.csv import write_raw_csv
    from reports.xlsx import write_report
    from services.exports import ReportRequest, prepare_report

    started = time.process_time()
    with app.test_request_context():
        content, _info = prepare_report(ReportRequest(round_id, "raw", labels=labels))
        if fmt == "csv":
            with out.open("w", encoding="utf-8", newline="") as stream:
                write_raw_csv(stream, content.frame, labels=labels)
        else:
            write_report(out, content)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="URL bazy (domyślnie plik SQLite w katalogu tymczasowym)")
    parser.add_argument("--keep", help=argparse.SUPPRESS)  # keep the labelled xlsx here
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    from bench.hygiene import Load, Spread, interleaved
    from tests.support.scratch_db import scratch_database

    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        app, round_id = generate(url, Path(tmp), args.n)
        sides = {
            (fmt, labels): (lambda f=fmt, lab=labels: export_seconds(
                app, round_id, f, lab, Path(tmp) / f"out-{f}-{lab}.{f}"))
            for fmt in ("xlsx", "csv") for labels in (False, True)}
        export_seconds(app, round_id, "xlsx", False, Path(tmp) / "warm.xlsx")
        with Load() as load:
            results = interleaved({f"{f} {'etykiety' if lab else 'kody'}": side
                                   for (f, lab), side in sides.items()}, args.runs)
        if args.keep:
            Path(args.keep).write_bytes((Path(tmp) / "out-xlsx-True.xlsx").read_bytes())
        size = {name: (Path(tmp) / f"out-{f}-{lab}.{f}").stat().st_size / 2**20
                for name, (f, lab) in zip(results, sides, strict=True)}
        database = url.split("://")[0]
    print(f"Eksport danych surowych: {args.n} odpowiedzi × 40 pytań ({database}); sekundy CPU "
          f"(LimeSurvey: czas na wolnej maszynie)")
    print(load.line())
    for name, values in results.items():
        spread = Spread.of(values)
        fmt, mode = name.split()
        reference = LIMESURVEY["labels"] if mode == "etykiety" else LIMESURVEY[fmt]
        print(f"  {name:<15} {spread.text(' s')}, {size[name]:.1f} MB; LimeSurvey "
              f"{reference:g} s → {reference / spread.median:.1f}× szybciej")
    labelled = Spread.of(results["xlsx etykiety"]).median
    coded = Spread.of(results["xlsx kody"]).median
    print(f"  cel: etykiety ≥ 100× szybciej niż 166 s: "
          f"{'spełniony' if LIMESURVEY['labels'] / labelled >= 100 else 'niespełniony'}; "
          f"xlsx z kodami ≤ {LIMESURVEY['xlsx']} s: "
          f"{'spełniony' if coded <= LIMESURVEY['xlsx'] else 'niespełniony'}")


if __name__ == "__main__":
    main()
