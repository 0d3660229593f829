"""The list of a round's responses for review: search, filters, sort and pages — all in SQL.

A region has hundreds of units and a national deployment thousands, so nothing here loads a
round's rows to sort or count them in Python: the database filters, orders (Polish collation),
counts and cuts the page; the same ordered query gives a response's neighbours for
"previous / next" on its page and the clean responses for a bulk accept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict

from extensions import db
from models import Invitation, Response, Territory, Unit
from models.types import JSONDocument
from services.collation import polish
from services.progress import STAGES
from services.territory import units_in_territory
from services.unit_kinds import kind_labels

PAGE_SIZE = 50
#: sort key → label msgid is in the view; here: the ORDER BY of each
SORTS = ("nazwa", "-nazwa", "powiat", "rodzaj", "stan", "wyslano", "-wyslano")
#: the empty JSON object, compared in SQL to tell "has warnings" / "has notes"
_EMPTY = literal({}, JSONDocument)

Powiat = aliased(Territory)


@dataclass(frozen=True)
class ResponseFilter:
    """What the reviewer asked for, as read from (and written back to) the query string."""

    text: str = ""
    #: województwa (two-digit TERYT) of a national round
    regions: tuple[str, ...] = ()
    powiats: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    warnings: bool = False
    notes: bool = False
    sort: str = "nazwa"
    page: int = 1

    @classmethod
    def from_args(cls, args: MultiDict) -> ResponseFilter:
        sort = args.get("sort", "nazwa")
        return cls(
            text=" ".join((args.get("szukaj") or "").split())[:100],
            regions=tuple(w for w in args.getlist("wojewodztwo") if w.isdigit() and len(w) == 2),
            powiats=tuple(p for p in args.getlist("powiat") if p.isdigit() and len(p) == 4),
            kinds=tuple(k for k in args.getlist("rodzaj") if k in kind_labels()),
            stages=tuple(s for s in args.getlist("stan") if s in STAGES),
            warnings=args.get("ostrzezenia") == "1", notes=args.get("uwagi") == "1",
            sort=sort if sort in SORTS else "nazwa",
            page=max(1, min(args.get("strona", 1, type=int) or 1, 100_000)))

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this filter (with ``changes``), for links and forms."""
        chosen = replace(self, **changes)
        values: dict[str, Any] = {}
        if chosen.text:
            values["szukaj"] = chosen.text
        if chosen.regions:
            values["wojewodztwo"] = list(chosen.regions)
        if chosen.powiats:
            values["powiat"] = list(chosen.powiats)
        if chosen.kinds:
            values["rodzaj"] = list(chosen.kinds)
        if chosen.stages:
            values["stan"] = list(chosen.stages)
        if chosen.warnings:
            values["ostrzezenia"] = "1"
        if chosen.notes:
            values["uwagi"] = "1"
        if chosen.sort != "nazwa":
            values["sort"] = chosen.sort
        if chosen.page != 1:
            values["strona"] = chosen.page
        return values

    @property
    def narrowed(self) -> bool:
        return bool(self.text or self.regions or self.powiats or self.kinds or self.stages
                    or self.warnings or self.notes)


def stage_column():
    """The stage of an invitation in SQL, as ``services.progress.stage_of`` names it."""
    return case((Response.id.is_not(None), Response.status),
                (Invitation.opened_at.is_not(None), literal("opened")),
                else_=literal("invited"))


def has_warnings():
    return and_(Response.warnings.is_not(None), Response.warnings != _EMPTY)


def has_notes():
    return or_(Response.review_comment.is_not(None),
               and_(Response.question_notes.is_not(None), Response.question_notes != _EMPTY))


def _filtered(round_id: int, chosen: ResponseFilter) -> Select:
    stage = stage_column()
    query = units_in_territory(
        select(Invitation.id.label("invitation_id"), Unit.id.label("unit_id"),
               Unit.name.label("name"), Unit.kind.label("kind"), Unit.teryt.label("teryt"),
               Powiat.name.label("powiat_name"), Powiat.code.label("powiat_code"),
               Response.id.label("response_id"), Response.submitted_at.label("submitted_at"),
               stage.label("stage"), has_warnings().label("has_warnings"),
               has_notes().label("has_notes"))
        .select_from(Invitation)
        .join(Unit, Unit.id == Invitation.unit_id)
        .outerjoin(Powiat, Powiat.code == func.substr(Unit.teryt, 1, 4))
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_id, Invitation.withdrawn_at.is_(None)))
    if chosen.text:
        pattern = "%" + chosen.text.replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(or_(Unit.name.ilike(pattern), Unit.teryt.startswith(chosen.text)))
    if chosen.regions:
        query = query.where(func.substr(Unit.teryt, 1, 2).in_(chosen.regions))
    if chosen.powiats:
        query = query.where(func.substr(Unit.teryt, 1, 4).in_(chosen.powiats))
    if chosen.kinds:
        query = query.where(Unit.kind.in_(chosen.kinds))
    if chosen.stages:
        query = query.where(stage.in_(chosen.stages))
    if chosen.warnings:
        query = query.where(has_warnings())
    if chosen.notes:
        query = query.where(has_notes())
    return query


def _order(chosen: ResponseFilter) -> list:
    name = polish(Unit.name)
    stage_rank = case(*((stage_column() == s, i) for i, s in enumerate(STAGES)), else_=99)
    orders: dict[str, list[Any]] = {
        "nazwa": [name], "-nazwa": [name.desc()],
        "powiat": [polish(Powiat.name), name], "rodzaj": [Unit.kind, name],
        "stan": [stage_rank, name],
        # never-sent responses last in both directions
        "wyslano": [Response.submitted_at.is_(None), Response.submitted_at, name],
        "-wyslano": [Response.submitted_at.is_(None), Response.submitted_at.desc(), name],
    }
    return [*orders[chosen.sort], Invitation.id]


@dataclass
class ResponsePage:
    """One page of the list, the total that matched, and where the page is."""

    rows: list[Any]
    total: int
    page: int
    pages: int
    #: stage → count in the whole round (not only this filter), for the filter's labels
    stage_counts: dict[str, int] = field(default_factory=dict)


def response_page(round_id: int, chosen: ResponseFilter, page_size: int = PAGE_SIZE,
                  stage_counts: dict[str, int] | None = None) -> ResponsePage:
    """One page of the filter's rows with the total that matched, counted in the same query
    (a window count); ``stage_counts`` when the caller has counted the round already."""
    query = _filtered(round_id, chosen)
    ordered = query.add_columns(func.count().over().label("matched")).order_by(*_order(chosen))
    rows = db.session.execute(ordered.offset((chosen.page - 1) * page_size)
                              .limit(page_size)).all()
    if rows:
        total = rows[0].matched
    else:  # past the last page (or nothing matched): count, and show the last page
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if total and chosen.page > 1:
            rows = db.session.execute(ordered.offset(
                (max(1, -(-total // page_size)) - 1) * page_size).limit(page_size)).all()
    pages = max(1, -(-total // page_size))
    page = min(chosen.page, pages)
    if stage_counts is None:
        stage = stage_column()
        stage_counts = dict(db.session.execute(
            select(stage, func.count()).select_from(Invitation)
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .where(Invitation.round_id == round_id, Invitation.withdrawn_at.is_(None))
            .group_by(stage)).all())
    return ResponsePage(list(rows), total, page, pages,
                        {s: stage_counts.get(s, 0) for s in STAGES})


@dataclass(frozen=True)
class Neighbours:
    """A response's place among the responses of the filter: previous, next, position."""

    previous: int | None
    next: int | None
    position: int
    count: int


def neighbours(round_id: int, chosen: ResponseFilter, response_id: int) -> Neighbours | None:
    """Previous and next response (units without one are skipped) in the filter's order.

    ``None`` when the response is not in the filter (the filter changed meanwhile).
    """
    order = _order(chosen)
    ranked = (_filtered(round_id, chosen).where(Response.id.is_not(None))
              .add_columns(func.lag(Response.id).over(order_by=order).label("before"),
                           func.lead(Response.id).over(order_by=order).label("after"),
                           func.row_number().over(order_by=order).label("position"),
                           func.count().over().label("count"))
              .subquery())
    row = db.session.execute(select(ranked.c.before, ranked.c.after, ranked.c.position,
                                    ranked.c.count)
                             .where(ranked.c.response_id == response_id)).first()
    if row is None:
        return None
    before, after, position, count = row
    return Neighbours(before, after, position, count)


def _clean(round_id: int, chosen: ResponseFilter) -> Select:
    return (_filtered(round_id, replace(chosen, page=1))
            .where(Response.status == "submitted", ~has_warnings(), ~has_notes()))


def clean_submitted(round_id: int, chosen: ResponseFilter) -> list[tuple[int, str]]:
    """``(response id, unit name)`` of the sent responses in the filter with no warning and
    no note: the ones a bulk accept takes, in the list's order."""
    return [(row.response_id, row.name) for row in db.session.execute(
        _clean(round_id, chosen).order_by(*_order(chosen)))]


def clean_count(round_id: int, chosen: ResponseFilter) -> int:
    """How many responses a bulk accept would take: the list page needs only the number."""
    return db.session.scalar(
        select(func.count()).select_from(_clean(round_id, chosen).subquery())) or 0


def awaiting_review() -> list[tuple[int, str, int, datetime | None]]:
    """Rounds with sent responses nobody has accepted or returned yet, the oldest wait first:
    ``(round id, title, how many, oldest submission)`` — the dashboard's worklist."""
    from models import Round

    rows = db.session.execute(
        units_in_territory(
            select(Round.id, Round.title, func.count(Response.id),
                   func.min(Response.submitted_at))
            .select_from(Response)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Unit, Unit.id == Invitation.unit_id)
            .join(Round, Round.id == Invitation.round_id)
            .where(Response.status == "submitted", Invitation.withdrawn_at.is_(None)))
        .group_by(Round.id, Round.title)
        .order_by(func.min(Response.submitted_at))).all()
    return [(row[0], row[1], row[2], row[3]) for row in rows]
