"""Benchmark: the review list of a round with 2 000 responses, page time on PostgreSQL.

``python -m bench.review_list_bench [--n 2000] [--repeat 40] [--db URL]`` seeds a round
(``tests/support/review_seed.py``: units, invitations and responses in a realistic mix) into a
scratch schema of the PostgreSQL test database (``--db``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; dropped afterwards), logs in as a
coordinator and times whole requests through the application (Flask test client: routing,
queries, template) for the list with no filter, a stage filter, a search, a powiat filter with
a sort by date, a late page, and a response's page with its previous / next.
It prints p50 and p95 in milliseconds for each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.hygiene import page_times
from tests.support.scratch_db import scratch_database

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="liczba jednostek w rundzie")
    parser.add_argument("--repeat", type=int, default=40, help="powtórzeń każdego żądania")
    parser.add_argument("--db", default=DEFAULT_DB, help="URL bazy PostgreSQL")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    with (tempfile.TemporaryDirectory(prefix="esmon-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        run(url, args.n, args.repeat, Path(tmp))


def run(url: str, n: int, repeat: int, folder: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from app import create_app
    from extensions import db
    from models import Invitation, Response, User
    from services.teryt import import_terc_file

    from support import SAMPLE_TERC, STAFF_PASSWORD, make_config
    from support.review_seed import seed_review_round

    app = create_app(make_config(url, folder, ESMON_LOG_LEVEL="WARNING"), read_environment=False)
    with app.app_context():
        db.create_all()
        import_terc_file(SAMPLE_TERC)
        user = User(email="koordynator@rops.example.pl", role="coordinator")
        user.set_password(STAFF_PASSWORD)
        db.session.add(user)
        db.session.commit()
        started = time.perf_counter()
        round_id = seed_review_round(n)
        seeded = time.perf_counter() - started
        response_id = db.session.scalars(
            db.select(Response.id).join(Invitation, Invitation.id == Response.invitation_id)
            .where(Invitation.round_id == round_id, Response.status == "submitted")
            .order_by(Response.id).offset(n // 4)).first()
    print(f"Runda z {n} jednostkami zapisana w {seeded:.1f} s ({url.split('?')[0]}).")
    client = app.test_client()
    login = client.post("/logowanie", data={"email": "koordynator@rops.example.pl",
                                            "password": STAFF_PASSWORD})
    assert login.status_code == 302, login.text
    base = f"/admin/odpowiedzi/runda/{round_id}"
    pages = {
        "lista, bez filtra": base,
        "stan: wysłane": base + "?stan=submitted",
        "szukaj po nazwie": base + "?szukaj=lipa",
        "powiat + data wysłania": base + "?powiat=1604&sort=-wyslano",
        "z ostrzeżeniami, strona 3": base + "?ostrzezenia=1&strona=3",
        "strona 30": base + "?strona=30",
        "odpowiedź (poprz./nast.)": f"/admin/odpowiedzi/{response_id}?stan=submitted",
    }
    print(f"{'strona':<30}{'p50 ms':>10}{'p95 ms':>10}")
    for name, path in pages.items():
        p50, p95 = page_times(client, path, repeat)
        print(f"{name:<30}{p50:>10.1f}{p95:>10.1f}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
