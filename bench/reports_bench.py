"""Benchmark: monitoring report of a 60 000-response ``jst-annual`` round.

``python -m bench.reports_bench [--n 60000] [--db URL]`` generates the round into a database
(an SQLite file in a temporary folder by default; on PostgreSQL in a schema of its own that is
dropped afterwards), then measures, each in a fresh process so peak memory is its own:

* report: stream the round from the database into the frame, aggregate by powiat (with the
  indicators), write the workbook (Informacje, Wskaźniki, Powiat, Dane, Słownik);
* floor: read the same rows, decode the same JSON and write the same raw cell values with
  xlsxwriter (constant_memory) — the least any export of this data can cost.

It prints seconds, peak RSS and the ratio report / floor; the goal is ≤ 1.5× and ≤ 1 GB.
The pair runs ``--runs`` times interleaved (floor, report, floor, report …); the ratio is the
median of the pairs with its range, beside the machine's load (``bench/hygiene.py``).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tests.support.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO, GOAL_RSS_MB = 1.5, 1024
MISSING = 0.03  # share of answers left empty
WOJEWODZTWA = [f"{w:02d}" for w in range(2, 33, 2)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60_000, help="liczba odpowiedzi")
    parser.add_argument("--db", help="URL bazy (domyślnie plik SQLite w katalogu tymczasowym)")
    parser.add_argument("--runs", type=int, default=5,
                        help="par podłoga–raport, na przemian (co najmniej 5)")
    parser.add_argument("--phase", choices=["report", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.phase:
        measure = report_phase if args.phase == "report" else floor_phase
        print(json.dumps(measure(args.db, args.round, Path(args.out))))
        return
    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        started = time.perf_counter()
        round_id = generate(url, args.n)
        print(f"Wygenerowano {args.n} odpowiedzi w {time.perf_counter() - started:.1f} s "
              f"({url.split('?')[0]}).", flush=True)
        from bench.hygiene import Load, interleaved

        with Load() as load:
            runs = interleaved({
                "floor": lambda: _child("floor", url, round_id, Path(tmp) / "floor.xlsx"),
                "report": lambda: _child("report", url, round_id, Path(tmp) / "report.xlsx"),
            }, args.runs)
    _print(args.n, runs["report"], runs["floor"], load)


def _child(phase: str, url: str, round_id: int, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.reports_bench", "--phase", phase, "--db", url,
               "--round", str(round_id), "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{phase} nie powiodło się:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["size_mb"] = out.stat().st_size / 2**20
    return result


def _print(n: int, reports: list[dict[str, Any]], floors: list[dict[str, Any]], load: Any
           ) -> None:
    """The run with the median ratio in detail; the ratio as median and range of the pairs."""
    from bench.hygiene import Spread, ratios

    spread = ratios([r["total"] for r in reports], [f["total"] for f in floors])
    pairs = sorted(zip(reports, floors, strict=True),
                   key=lambda pair: pair[0]["total"] / pair[1]["total"])
    report, floor = pairs[len(pairs) // 2]
    ratio = spread.median
    print(load.line())
    print(f"{'etap (przebieg o medianie stosunku)':<38}{'sekundy':>10}")
    for name, value in (("raport: ramka (baza → DataFrame)", report["frame"]),
                        ("raport: zestawienie wg powiatów", report["regional"]),
                        ("raport: zapis xlsx", report["xlsx"]),
                        ("raport: razem", report["total"]),
                        ("podłoga: odczyt + JSON", floor["read"]),
                        ("podłoga: zapis xlsx", floor["xlsx"]),
                        ("podłoga: razem", floor["total"])):
        print(f"{name:<38}{value:>10.2f}")
    print(f"szczyt RSS: raport {report['rss_mb']:.0f} MB, podłoga {floor['rss_mb']:.0f} MB; "
          f"pliki: {report['size_mb']:.1f} MB / {floor['size_mb']:.1f} MB")
    verdict = "OK" if ratio <= GOAL_RATIO and report["rss_mb"] <= GOAL_RSS_MB else "PONAD CEL"
    print(f"n={n}: raport / podłoga = {spread.text('×')} (cel ≤ {GOAL_RATIO}×, "
          f"≤ {GOAL_RSS_MB} MB) — {verdict}")
    unsteady = Spread.of([f["total"] for f in floors]).steadiness("podłogi")
    if unsteady:
        print(f"({unsteady})")


def _app(url: str):
    sys.path.insert(0, str(ROOT))
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})


# ------------------------------------------------------------------------------- generation


def generate(url: str, n: int, seed: int = 2025) -> int:
    """A fresh schema, a synthetic country of 16 województwa, ``n`` submitted responses."""
    from extensions import db
    from models import Invitation, Response, Round, Territory, Unit
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round

    rng = random.Random(seed)
    app = _app(url)
    with app.app_context():
        db.create_all()
        territories = _territories()
        db.session.execute(Territory.__table__.insert(), territories)
        questionnaire = next(q for q in sync_questionnaires() if q.key == "jst-annual")
        round_ = create_round(questionnaire, period="2025", reporting_year=2025,
                              opens_on=date(2026, 1, 15), deadline=date(2026, 3, 31),
                              status="closed")
        db.session.commit()
        round_id = round_.id
        gminas = [t for t in territories if t["level"] == "gmina"]
        powiats = [t for t in territories if t["level"] == "powiat"
                   and int(t["code"][2:]) < 61]
        connection = db.session.connection()
        for start in range(0, n, 2000):
            units, invitations, responses = [], [], []
            for i in range(start, min(n, start + 2000)):
                place = powiats[i // 10 % len(powiats)] if i % 10 == 9 else \
                    gminas[i % len(gminas)]
                kind = "powiat" if place["level"] == "powiat" else "gmina"
                units.append({"id": i + 1, "kind": kind, "name": f"{place['name']} ({i + 1})",
                              "teryt": place["code"], "emails": f"jst{i + 1}@example.pl",
                              "is_active": True})
                invitations.append({"id": i + 1, "round_id": round_id, "unit_id": i + 1})
                responses.append({
                    "id": i + 1, "invitation_id": i + 1, "version": 1,
                    "status": "accepted" if rng.random() < 0.2 else "submitted",
                    "answers": answers(rng, place, kind), "warnings": {},
                    "sections_saved": [], "submitted_at": datetime(2026, 3, 1),
                })
            connection.execute(Unit.__table__.insert(), units)
            connection.execute(Invitation.__table__.insert(), invitations)
            connection.execute(Response.__table__.insert(), responses)
            db.session.commit()
            connection = db.session.connection()
        assert db.session.get(Round, round_id) is not None
    return round_id


def _territories() -> list[dict[str, Any]]:
    """16 województwa × (20 powiats × 8 gminas + 3 cities with powiat rights)."""
    found = []
    today = date(2025, 1, 1)

    def add(code: str, level: str, name: str, kind: str, rodz: str | None = None) -> None:
        found.append({"code": code, "level": level, "name": name, "kind_label": kind,
                      "rodz": rodz, "valid_on": today})

    for w in WOJEWODZTWA:
        add(w, "wojewodztwo", f"WOJEWÓDZTWO {w}", "województwo")
        for p in range(1, 21):
            add(f"{w}{p:02d}", "powiat", f"powiat-{w}{p:02d}", "powiat")
            for g in range(1, 9):
                rodz = "123"[(g + p) % 3]
                add(f"{w}{p:02d}{g:02d}", "gmina", f"Gmina {w}{p:02d}{g:02d}",
                    {"1": "gmina miejska", "2": "gmina wiejska",
                     "3": "gmina miejsko-wiejska"}[rodz], rodz)
        for p in range(61, 64):
            add(f"{w}{p}", "powiat", f"Miasto {w}{p}", "miasto na prawach powiatu")
            add(f"{w}{p}01", "gmina", f"Miasto {w}{p}", "gmina miejska", "1")
    return found


def _money(rng: random.Random, median_zl: float, sigma: float = 1.0) -> str:
    grosze = int(rng.lognormvariate(0, sigma) * median_zl * 100)
    return f"{grosze // 100}.{grosze % 100:02d}"


def _count(rng: random.Random, median: float, sigma: float = 0.8) -> int:
    return int(rng.lognormvariate(0, sigma) * median)


def _some(rng: random.Random, values: list[str], p: float = 0.35) -> list[str]:
    return [v for v in values if rng.random() < p] or [values[0]]


def answers(rng: random.Random, place: dict[str, Any], kind: str) -> dict[str, Any]:
    """A plausible JST response: skewed money, skip logic respected, a few % left empty."""
    yes = lambda p: "yes" if rng.random() < p else "no"  # noqa: E731
    city = int(place["code"][2:4]) >= 61
    rodzaj = ("miasto_na_prawach_powiatu" if city else "powiat") if kind == "powiat" else {
        "1": "gmina_miejska", "2": "gmina_wiejska", "3": "gmina_miejsko_wiejska"}[
        place["rodz"] or "2"]
    scale = 8 if city else (2 if kind == "powiat" else 1)
    a: dict[str, Any] = {
        "jst_teryt": place["code"], "jst_rodzaj": rodzaj,
        "jednostka_wypelniajaca": _some(rng, ["urzad", "ops", "pcpr", "cus", "pup", "inne"]),
        "kontakt_imie_nazwisko": "Anna Kowalska", "kontakt_email": "a.kowalska@gmina.pl",
        "lpres_status": rng.choices(["odrebny", "w_strategii", "w_przygotowaniu", "nie"],
                                    [10, 25, 10, 55])[0],
        "srps_es": yes(0.6), "program_wspolpracy_pes": yes(0.5),
        "zam_ogolem_liczba": _count(rng, 40 * scale),
        "zam_ogolem_wartosc": _money(rng, 6_000_000 * scale),
        "klauzule_stosowane": yes(0.35),
        "zadania_zlecone_liczba": _count(rng, 12 * scale),
        "uslugi_spoleczne_wartosc_ogolem": _money(rng, 400_000 * scale, 1.2),
        "zakup_uslug_pes": yes(0.25), "lokale_udostepnione": yes(0.3),
        "spoldz_socj_jst": rng.choices([0, 1, 2, 3], [70, 20, 7, 3])[0],
        "cis_kis_prowadzone": rng.choices([["nie"], ["cis"], ["kis"], ["cis", "kis"]],
                                          [70, 10, 15, 5])[0],
        "pes_na_terenie": rng.choices(["tak", "nie", "nie_wiem"], [60, 25, 15])[0],
        "ps_na_terenie_liczba": rng.choices([0, 1, 2, 5], [50, 30, 15, 5])[0],
        "wspolpraca_owes": yes(0.55), "pracownicy_przeszkoleni": _count(rng, 2),
        "osoby_zatrudnione_w_pes": _count(rng, 1.5), "osoby_skierowane_ops": _count(rng, 4),
        "potrzeby_wsparcia": _some(rng, ["klauzule", "zlecanie_uslug", "spoldz_socj_op",
                                         "lpres", "finansowanie", "inne"], 0.3),
        "sporzadzil_imie_nazwisko": "Jan Nowak", "sporzadzil_stanowisko": "inspektor",
        "data_sporzadzenia": f"2026-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
        "oswiadczenie": "yes",
    }
    if a["lpres_status"] in ("odrebny", "w_strategii"):
        a.update(lpres_nazwa_uchwala="Uchwała nr XX/100/23", lpres_od=2023, lpres_do=2028,
                 lpres_monitoring=yes(0.6))
    if a["klauzule_stosowane"] == "yes":
        below, above = _count(rng, 3) + 1, _count(rng, 1)
        a.update(klauzule_liczba_ponizej_130k=below, klauzule_liczba_od_130k=above,
                 klauzule_wartosc_ponizej_130k=_money(rng, 40_000 * below, 0.4),
                 klauzule_wartosc_od_130k=_money(rng, 300_000 * above, 0.4),
                 klauzule_rodzaje=_some(rng, ["zastrzezone_art94", "umowa_o_prace_art95",
                                              "grupy_defaworyzowane_art96", "inne"]),
                 klauzule_pes_wykonawcy_liczba=min(below, _count(rng, 1)),
                 klauzule_pes_wykonawcy_wartosc=_money(rng, 20_000))
    else:
        a["klauzule_powody_niestosowania"] = _some(rng, ["brak_wiedzy", "brak_pes",
                                                         "brak_zamowien", "wyzsze_koszty"])
    tasks = a["zadania_zlecone_liczba"]
    a["zadania_zlecone_wartosc"] = _money(rng, 50_000 * tasks) if tasks else "0.00"
    a["zadania_pes_liczba"] = min(tasks, _count(rng, 2))
    a["zadania_pes_wartosc"] = _money(rng, 30_000 * a["zadania_pes_liczba"]) \
        if a["zadania_pes_liczba"] else "0.00"
    a["uslugi_spoleczne_wartosc_pes"] = _money(rng, 20_000 * scale, 1.3)
    if a["zakup_uslug_pes"] == "yes":
        a["zakup_uslug_pes_wartosc"] = _money(rng, 15_000)
    if a["lokale_udostepnione"] == "yes":
        a.update(lokale_liczba=_count(rng, 2) + 1, lokale_powierzchnia_m2=_money(rng, 150),
                 lokale_forma=_some(rng, ["uzyczenie", "najem_obnizony", "bonifikata"]))
    a["spoldz_socj_jst_nowe"] = min(a["spoldz_socj_jst"], rng.choice([0, 0, 0, 1]))
    if a["wspolpraca_owes"] == "yes":
        a["wspolpraca_owes_formy"] = _some(rng, ["diagnoza", "szkolenia_jst", "animacja",
                                                 "tworzenie_pes", "lpres", "klauzule"])
    if rng.random() < 0.1:
        a["uwagi"] = "Dane szacunkowe — ewidencja zamówień poniżej 130 000 zł niepełna."
    return {k: v for k, v in a.items() if k in ("jst_teryt", "jst_rodzaj", "oswiadczenie")
            or rng.random() >= MISSING}


# ---------------------------------------------------------------------------------- phases


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_phase(url: str, round_id: int, out: Path) -> dict[str, float]:
    """The real export: database → frame → aggregates by powiat → workbook."""
    from extensions import db
    from reports import build
    from reports.frame import build_frame
    from reports.indicators import indicators_path, load_indicators_file
    from reports.xlsx import ReportInfo, write_report
    from services.report_source import round_info, round_records, round_survey

    app = _app(url)
    with app.app_context():
        session = db.session
        started = time.perf_counter()
        info = round_info(session, round_id)
        survey = round_survey(session, round_id)
        frame = build_frame(round_records(session, round_id), survey,
                            reporting_year=info.reporting_year)
        t_frame = time.perf_counter()
        indicators, _ = load_indicators_file(
            indicators_path(app.config["SURVEY_DEFS_DIR"], survey.key), survey)
        content = build.regional(
            ReportInfo("Raport regionalny", info.label, info.period, info.key,
                       datetime.now()), frame, ["powiat"], indicators=indicators)
        t_regional = time.perf_counter()
        write_report(out, content)
        done = time.perf_counter()
    return {"frame": t_frame - started, "regional": t_regional - t_frame,
            "xlsx": done - t_regional, "total": done - started, "rss_mb": _rss_mb()}


def floor_phase(url: str, round_id: int, out: Path) -> dict[str, float]:
    """The least an export can do: read the rows, decode the JSON, write the cells."""
    import sqlalchemy as sa
    import xlsxwriter

    from extensions import db
    from services.report_source import round_survey

    app = _app(url)
    with app.app_context():
        survey = round_survey(db.session, round_id)
        questions = [q for q in survey.questions if q.has_answer]
        numeric = {q.id for q in questions if q.is_numeric}
        ids = [q.id for q in questions]
        started, cpu = time.perf_counter(), time.process_time()
        rows = db.session.execute(sa.text(
            "SELECT i.unit_id, u.name, u.kind, u.teryt, r.status, r.answers "
            "FROM invitations i JOIN units u ON u.id = i.unit_id "
            "LEFT JOIN responses r ON r.invitation_id = i.id "
            "WHERE i.round_id = :r ORDER BY i.id"), {"r": round_id}).all()
        decoded = [(row[:5], row[5] if isinstance(row[5], dict)
                    else json.loads(row[5]) if row[5] else {})  # invited, not answered
                   for row in rows]
        t_read = time.perf_counter()
        book = xlsxwriter.Workbook(str(out), {"constant_memory": True,
                                              "strings_to_formulas": False,
                                              "strings_to_numbers": False,
                                              "strings_to_urls": False})
        ws = book.add_worksheet("Dane")
        for c, name in enumerate(["unit_id", "unit_name", "unit_kind", "teryt", "status",
                                  *ids]):
            ws.write_string(0, c, name)
        write_number, write_string = ws.write_number, ws.write_string
        for r, (attrs, a) in enumerate(decoded, start=1):
            write_number(r, 0, attrs[0])
            for c in range(1, 5):
                write_string(r, c, attrs[c] or "invited")
            for c, qid in enumerate(ids, start=5):
                value = a.get(qid)
                if value is None:
                    continue
                if qid in numeric:
                    write_number(r, c, float(value))
                elif isinstance(value, list):
                    write_string(r, c, ";".join(value))
                else:
                    write_string(r, c, str(value))
        book.close()
        done = time.perf_counter()
    return {"read": t_read - started, "xlsx": done - t_read, "total": done - started,
            "cpu": time.process_time() - cpu, "rss_mb": _rss_mb()}


if __name__ == "__main__":
    main()
