"""Benchmark: CPU of the respondent path in one process, against a bare Flask floor.

``python -m bench.respondent_cpu_bench [--db URL] [--runs 11] [--pairs 20] [--visits 10]
[--profile N]``

No network and no server: the real app (``create_app``) and the floor each answer through
Flask's test client in this process, so the CPU seconds (``time.process_time``) are the cost of
the code path itself. The questionnaire is the benchmark's own (``bench/survey_40.py``): one
page of 40 questions — 30 whole numbers, 5 single choice, 5 short texts.

* section: opening the section (GET) and saving it as a draft (POST) — esmon against the floor,
  a bare Flask app with the same 40 inputs rendered by a Jinja loop and the posted form stored
  as one JSON row (one INSERT, one commit). Goal: esmon ≤ 3 × the floor. Each POST carries
  the other of two answer sets (``bench/survey_40.py``: every answer differs), on both sides:
  esmon stores the changed draft each time (an unchanged one it does not write at all, which
  is not what the floor is measured doing). The unchanged-draft pair (an autosave of a page
  nobody touched) is printed beside it, for information.
* submission: a unit's whole visit — personal link, start page, section GET, section POST
  (next), review, submit, confirmation (7 requests). Goal: ≤ 30 ms CPU.

The two sides run interleaved (A B A B), ``--runs`` times; the figures are medians with the
minimum and maximum, and the machine's load is printed beside them (``bench/hygiene.py``).
``--profile N`` prints the top N entries of a cProfile of the esmon section pairs instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECTION_RATIO, GOAL_SUBMISSION_MS = 3.0, 30.0
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


# --- esmon ----------------------------------------------------------------------------------

class Esmon:
    """The real app on its own database, with a round of the 40-question questionnaire."""

    def __init__(self, url: str, tmp: Path, units: int) -> None:
        from app import create_app
        from bench.survey_40 import ANSWERS, KEY, OTHER_ANSWERS, write_definition
        from extensions import db
        from models import Unit
        from services.questionnaires import sync_questionnaires
        from services.rounds import create_round, invite
        from services.teryt import import_terc_file

        defs = tmp / "defs"
        write_definition(defs)
        self.app = create_app({
            "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32),
            "ESMON_ENV": "benchmark", "SURVEY_DEFS_DIR": str(defs),
            "ESMON_WOJEWODZTWO": "16", "MAIL_SEND_INLINE": False,
            "MAIL_OUTBOX_DIR": str(tmp / "outbox"), "ESMON_RATELIMIT_LINK": None,
            "ESMON_BASE_URL": "http://esmon.bench"}, read_environment=False)
        _quiet_logs(tmp / "esmon.log")
        with self.app.app_context():
            db.create_all()
            import_terc_file(ROOT / "demo" / "terc_sample.csv")
            questionnaire = next(q for q in sync_questionnaires() if q.key == KEY)
            today = date.today()
            round_ = create_round(questionnaire, period="2025", reporting_year=2025,
                                  opens_on=today - timedelta(days=1),
                                  deadline=today + timedelta(days=30), status="open",
                                  title="Benchmark")
            rows = [Unit(kind="gmina", teryt="160402", name=f"Gmina benchmarkowa {i}",
                         emails=f"gmina{i}@example.pl") for i in range(units)]
            db.session.add_all(rows)
            db.session.flush()
            self.tokens = [invite(round_, unit)[1] for unit in rows]
            db.session.commit()
            loaded = next(iter(self.app.extensions["esmon_surveys"]))
            self.survey = loaded.survey
        self.section_id = self.survey.sections[0].id
        self.answers = ANSWERS
        #: the answer sets a draft alternates between (``section_pair``)
        self._sets, self._next = (ANSWERS, OTHER_ANSWERS), 0
        self._bodies: dict[tuple[int, str], dict[str, Any]] = {}
        self._drafting = self._open(self.tokens.pop())
        self._unchanged = self._open(self.tokens.pop())
        from serving import settle

        settle()  # as a gunicorn worker does once the app is loaded (post_worker_init)

    def _open(self, token: str):
        client = self.app.test_client()
        _expect(client.get(f"/r/{token}"), 303)
        return client

    def _post(self, client, page: str, action: str, answers: dict[str, Any] | None = None
              ) -> Any:
        from tests.support.respondent import section_post

        answers = answers or self.answers
        # the form body built once per answer set and action, as the floor's is: building it
        # is the benchmark's own work, not the server's
        key = (id(answers), action)
        if key not in self._bodies:
            self._bodies[key] = section_post(self.survey, self.section_id, answers,
                                             action=action)
        data = dict(self._bodies[key])
        data["csrf_token"] = _CSRF.search(page).group(1)
        data["version"] = _VERSION.search(page).group(1)
        return client.post(f"/ankieta/sekcja/{self.section_id}", data=data)

    def section_pair(self) -> None:
        """GET the section, POST it as a draft with the other answer set (stored: every
        answer changed; the redirect is not followed)."""
        client = self._drafting
        page = _expect(client.get(f"/ankieta/sekcja/{self.section_id}"), 200).text
        self._next = 1 - self._next
        _expect(self._post(client, page, "draft", self._sets[self._next]), 302)

    def unchanged_pair(self) -> None:
        """GET the section, POST the draft it already holds (nothing to store)."""
        client = self._unchanged
        page = _expect(client.get(f"/ankieta/sekcja/{self.section_id}"), 200).text
        _expect(self._post(client, page, "draft"), 302)

    def submission(self) -> None:
        """A whole visit of one unit: 7 requests from the link to the confirmation."""
        client = self._open(self.tokens.pop())
        _expect(client.get("/ankieta"), 200)
        page = _expect(client.get(f"/ankieta/sekcja/{self.section_id}"), 200).text
        _expect(self._post(client, page, "next"), 302)
        review = _expect(client.get("/ankieta/przeglad"), 200).text
        _expect(client.post("/ankieta/wyslij",
                            data={"csrf_token": _CSRF.search(review).group(1)}), 303)
        _expect(client.get("/ankieta/potwierdzenie"), 200)


# --- the floor ------------------------------------------------------------------------------

FLOOR_PAGE = """<!doctype html><html lang="pl"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><main><h1>{{ title }}</h1>
<form method="post"><input type="hidden" name="csrf_token" value="{{ token }}">
<input type="hidden" name="version" value="{{ version }}">
{% for q in questions %}<div class="question"><label for="q_{{ q.id }}">{{ q.label }}</label>
{% if q.choices %}{% for value, label in q.choices %}<label><input type="radio"
name="q_{{ q.id }}" value="{{ value }}"{% if answers.get(q.id) == value %} checked{% endif %}>
{{ label }}</label>{% endfor %}{% else %}<input id="q_{{ q.id }}" name="q_{{ q.id }}"
value="{{ answers.get(q.id, '') }}">{% endif %}</div>
{% endfor %}<button name="action" value="draft">Zapisz</button></form></main></body></html>"""


class Floor:
    """A bare Flask page with the same 40 inputs: a Jinja loop, one INSERT of a JSON row."""

    def __init__(self, url: str, survey: Any) -> None:
        import sqlalchemy as sa
        from flask import Flask, redirect, render_template, request
        from jinja2 import DictLoader

        self.engine = sa.create_engine(url)
        metadata = sa.MetaData()
        table = sa.Table("bench_floor", metadata,
                         sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("answers", sa.JSON, nullable=False))
        metadata.create_all(self.engine)
        questions = [{"id": q.id, "label": q.label,
                      "choices": [(c.value, c.label) for c in q.choices] if q.choices else None}
                     for q in survey.questions]
        app = Flask("bench_floor")
        app.jinja_loader = DictLoader({"page.html": FLOOR_PAGE})  # compiled once, as esmon's
        stored: dict[str, Any] = {}

        @app.get("/strona")
        def page():
            return render_template("page.html", title=survey.title, token="t" * 40,
                                          version=1, questions=questions, answers=stored)

        @app.post("/strona")
        def save():
            answers = {q["id"]: request.form.get(f"q_{q['id']}") for q in questions}
            with self.engine.begin() as connection:
                connection.execute(table.insert().values(answers=answers))
            stored.update(answers)
            return redirect("/strona")

        self.client = app.test_client()
        from bench.survey_40 import ANSWERS, OTHER_ANSWERS
        from tests.support.respondent import section_post

        #: the two answer sets posted in turn, as esmon's (``Esmon.section_pair``)
        self.forms = [{"action": "draft", "csrf_token": "t" * 40, "version": "1",
                       **section_post(survey, survey.sections[0].id, answers)}
                      for answers in (ANSWERS, OTHER_ANSWERS)]
        self._next = 0

    def section_pair(self) -> None:
        _expect(self.client.get("/strona"), 200)
        self._next = 1 - self._next
        _expect(self.client.post("/strona", data=self.forms[self._next]), 302)


# --- measuring ------------------------------------------------------------------------------

def _expect(reply: Any, status: int) -> Any:
    if reply.status_code != status:
        raise RuntimeError(f"{reply.request.method} {reply.request.path}: HTTP "
                           f"{reply.status_code}, oczekiwano {status}")
    return reply


def _quiet_logs(path: Path) -> None:
    """The request log goes to a file, as a server's would, not over the figures."""
    handler = logging.FileHandler(path)
    for logger in (logging.getLogger(), logging.getLogger("esmon")):
        for old in list(logger.handlers):
            if isinstance(old, logging.StreamHandler) and not isinstance(
                    old, logging.FileHandler):
                handler.setFormatter(old.formatter)
                logger.removeHandler(old)
                logger.addHandler(handler)


def cpu_per_call(fn: Callable[[], None], calls: int) -> float:
    """Mean CPU seconds of one call, over ``calls`` calls."""
    started = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - started) / calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="URL bazy (domyślnie plik SQLite w katalogu tymczasowym)")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--pairs", type=int, default=20, help="GET+POST sekcji na przebieg")
    parser.add_argument("--visits", type=int, default=10, help="wysłań ankiety na przebieg")
    parser.add_argument("--profile", type=int, default=0,
                        help="zamiast pomiaru: N pierwszych pozycji profilu (cProfile)")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    from bench.hygiene import Load, Spread, interleaved, ratios
    from tests.support.scratch_db import scratch_database

    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        runs = max(args.runs, 5)
        esmon = Esmon(url, Path(tmp), units=runs * args.visits + args.visits + 3)
        floor = Floor(url, esmon.survey)
        for _ in range(3):  # warm up: templates compiled, caches filled, connections open
            esmon.section_pair()
            esmon.unchanged_pair()
            floor.section_pair()
        esmon.submission()
        if args.profile:
            _profile(esmon, args.pairs, args.visits, args.profile)
            return
        with Load() as load:
            sections = interleaved({
                "esmon": lambda: cpu_per_call(esmon.section_pair, args.pairs),
                "floor": lambda: cpu_per_call(floor.section_pair, args.pairs),
                "unchanged": lambda: cpu_per_call(esmon.unchanged_pair, args.pairs)}, runs)
            visits = interleaved({
                "submission": lambda: cpu_per_call(esmon.submission, args.visits)}, runs)
        database = url.split("://")[0]
    section_ratio = ratios(sections["esmon"], sections["floor"])
    submission = Spread.of(visits["submission"])
    print(f"Ścieżka respondenta w jednym procesie ({database}), ankieta 40 pytań na 1 stronie")
    print(load.line())
    print(f"  sekcja GET+POST esmon (zapis zmienionej wersji roboczej): "
          f"{Spread.of(sections['esmon']).text(' ms', 1000)}")
    floor_runs = Spread.of(sections["floor"])
    print(f"  sekcja GET+POST podłoga: {floor_runs.text(' ms', 1000)}")
    print(f"  stosunek esmon ÷ podłoga: {section_ratio.text('×')} "
          f"(cel ≤ {GOAL_SECTION_RATIO:g}×: {_met(section_ratio.median <= GOAL_SECTION_RATIO)})")
    print(f"  dla informacji — zapis niezmienionej wersji roboczej (nic do zapisania): "
          f"{Spread.of(sections['unchanged']).text(' ms', 1000)}, "
          f"{ratios(sections['unchanged'], sections['floor']).text('×')} podłogi")
    print(f"  całe wysłanie (7 żądań): {submission.text(' ms', 1000)} CPU "
          f"(cel ≤ {GOAL_SUBMISSION_MS:g} ms: "
          f"{_met(submission.median * 1000 <= GOAL_SUBMISSION_MS)})")
    unsteady = floor_runs.steadiness("podłogi")
    if unsteady:
        print(f"  ({unsteady})")


def _met(ok: bool) -> str:
    return "spełniony" if ok else "niespełniony"


def _profile(esmon: Esmon, pairs: int, visits: int, top: int, sort: str = "tottime") -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(pairs):
        esmon.section_pair()  # (a changed draft, as measured)
    for _ in range(visits):
        esmon.submission()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(sort).print_stats(top)
    print(f"Profil: {pairs} × sekcja GET+POST i {visits} wysłań (według czasu własnego)")
    print(out.getvalue())


if __name__ == "__main__":
    main()
