"""The read-only data API ``/api/v1/`` for staff: personal token in, JSON out.

``Authorization: Bearer esmon_…`` with a token from the settings page (``/admin/tokeny``); a
missing, unknown, revoked or expired token gets 401, a round that does not exist (or is still
a draft) 404. Every call is audited. Each view declares its OpenAPI operation (``operation``),
and ``/api/v1/openapi.json`` is assembled from them by apispec, so the document cannot drift
from the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from apispec import APISpec
from flask import Blueprint, Response, current_app, g, jsonify, request, url_for

from extensions import csrf, db
from reports.kinds import LEVELS
from services.api_tokens import authenticate, record_call
from services.data_api import (
    MAX_PER_PAGE,
    STATUSES,
    NotFound,
    codebook,
    list_rounds,
    round_aggregates,
    round_responses,
)
from services.scoping import scope_of, set_scope

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only GETs with a bearer token; no cookie is ever read here
API_VERSION = "1.0.0"
#: endpoints anyone may read (the description of the API itself)
PUBLIC = frozenset({"api.openapi"})


def operation(**spec: Any) -> Callable:
    """Attach the OpenAPI operation (summary, parameters, responses) to a view."""
    def decorate(view: Callable) -> Callable:
        view.openapi = spec  # type: ignore[attr-defined]
        return view
    return decorate


def _error(status: int, message: str) -> Response:
    reply = jsonify({"error": message, "status": status})
    reply.status_code = status
    if status == 401:
        reply.headers["WWW-Authenticate"] = 'Bearer realm="esmon", error="invalid_token"'
    return reply


@bp.before_request
def _authenticate() -> Response | None:
    if request.endpoint in PUBLIC:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, text = header.partition(" ")
    token = authenticate(text.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return _error(401, "Brak ważnego tokenu API (nagłówek Authorization: Bearer …); "
                           "token mógł wygasnąć albo zostać unieważniony.")
    g.api_token = token
    # the token reads what its owner may see: the organisation's scope, as on the staff pages
    set_scope(scope_of(token.user.organisation, db.session))
    return None


def _conditional(response: Response) -> Response:
    """An ETag on every successful read (a hash of the body, so it changes with any answer,
    status, page or scope), and 304 when the client's ``If-None-Match`` already has it.

    Replies stay ``no-store`` (``security``: personal data in no cache): a script keeps the
    ETag with its own copy of the page and sends it back, and downloads again only what
    changed.
    """
    if request.method != "GET" or response.status_code != 200 or response.is_streamed:
        return response
    response.add_etag()
    return response.make_conditional(request)


@bp.after_request
def _audit(response: Response) -> Response:
    response = _conditional(response)
    token = g.pop("api_token", None)
    if token is not None:
        record_call(token, request.full_path.rstrip("?"), response.status_code)
        db.session.commit()
    return response


def _page_args() -> tuple[int, int]:
    page = request.args.get("page", "1")
    per_page = request.args.get("per_page", "100")
    if not (page.isdigit() and per_page.isdigit()) or int(page) < 1 or not (
            1 <= int(per_page) <= MAX_PER_PAGE):
        raise ValueError(f"page ≥ 1, per_page od 1 do {MAX_PER_PAGE}")
    return min(int(page), 10**6), int(per_page)


def _since() -> datetime | None:
    """``updated_since`` (ISO 8601) or the ``If-Modified-Since`` header, whichever is given
    (the header only without ``If-None-Match``, which then decides alone)."""
    text = request.args.get("updated_since")
    if text:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    elif request.headers.get("If-Modified-Since") and not request.headers.get("If-None-Match"):
        # RFC 9110 13.1.3: with If-None-Match given, If-Modified-Since is ignored
        # HTTP dates have whole seconds: a change within the named second is not newer
        moment = (parsedate_to_datetime(request.headers["If-Modified-Since"])
                  + timedelta(seconds=1, microseconds=-1))
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_ROUND_ID = {"name": "round_id", "in": "path", "required": True,
             "schema": {"type": "integer"}, "description": "Numer rundy"}
_JSON = "application/json"
_401 = {"description": "Brak ważnego tokenu (wygasł, unieważniony albo nieznany)"}
_404 = {"description": "Nie ma takiej rundy"}


@bp.get("/rounds")
@operation(summary="Rundy badania", description="Wszystkie uruchomione rundy.",
           responses={"200": {"description": "Lista rund", "content": {_JSON: {"schema": {
               "type": "object", "properties": {"rounds": {"type": "array", "items": {
                   "$ref": "#/components/schemas/Round"}}}}}}}, "401": _401})
def rounds() -> Response:
    return jsonify({"rounds": [r for r in list_rounds() if r["status"] != "draft"]})


@bp.get("/rounds/<int:round_id>/responses")
@operation(
    summary="Odpowiedzi rundy",
    description="Odpowiedzi jednostek (kody z etykietami), stronami, od najdawniej zmienionej. "
                "Pobieranie przyrostowe: updated_since albo nagłówek If-Modified-Since "
                "(304, gdy nic się nie zmieniło).",
    parameters=[
        _ROUND_ID,
        {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(STATUSES)}},
        {"name": "teryt", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{2,7}$"},
         "description": "Kod TERYT (lub jego początek: województwo, powiat)"},
        {"name": "updated_since", "in": "query",
         "schema": {"type": "string", "format": "date-time"}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
        {"name": "If-Modified-Since", "in": "header", "schema": {"type": "string"}},
    ],
    responses={"200": {"description": "Strona odpowiedzi", "content": {_JSON: {"schema": {
        "$ref": "#/components/schemas/ResponsePage"}}}},
        "304": {"description": "Nic się nie zmieniło od podanej chwili"},
        "400": {"description": "Niepoprawny parametr"}, "401": _401, "404": _404})
def responses(round_id: int) -> Response:
    status = request.args.get("status") or None
    teryt = request.args.get("teryt") or None
    if status is not None and status not in STATUSES:
        return _error(400, f"status: jeden z {', '.join(STATUSES)}")
    if teryt is not None and not (teryt.isdigit() and 2 <= len(teryt) <= 7):
        return _error(400, "teryt: od 2 do 7 cyfr")
    try:
        page, per_page = _page_args()
        since = _since()
    except (ValueError, TypeError) as err:
        return _error(400, f"Niepoprawny parametr: {err}")
    try:
        result = round_responses(round_id, status=status, teryt=teryt, updated_since=since,
                                 page=page, per_page=per_page)
    except NotFound:
        return _error(404, f"Nie ma rundy {round_id}.")
    if since is not None and request.headers.get("If-Modified-Since") and not result.total \
            and not request.args.get("updated_since"):
        return Response(status=304)
    body = {"round": round_id, "page": result.page, "per_page": result.per_page,
            "total": result.total, "items": result.items}
    if result.page * result.per_page < result.total:
        body["next"] = url_for("api.responses", round_id=round_id, page=result.page + 1,
                               per_page=result.per_page, status=status, teryt=teryt,
                               updated_since=request.args.get("updated_since"))
    reply = jsonify(body)
    if result.last_modified is not None:
        reply.headers["Last-Modified"] = format_datetime(
            result.last_modified.astimezone(UTC), usegmt=True)
    return reply


@bp.get("/rounds/<int:round_id>/aggregates")
@operation(
    summary="Zestawienie rundy wg poziomu",
    description="Liczby, sumy, średnie, mediany, udziały odpowiedzi i odsetek odpowiedzi wg "
                "poziomu; małe liczebności ukryte (small_cells=false pokazuje je).",
    parameters=[_ROUND_ID,
                {"name": "level", "in": "query", "required": True,
                 "schema": {"type": "string", "enum": list(LEVELS)}},
                {"name": "small_cells", "in": "query",
                 "schema": {"type": "boolean", "default": True},
                 "description": "true: liczby 1–2 w grupach wrażliwych ukryte"}],
    responses={"200": {"description": "Tabela zestawienia", "content": {_JSON: {"schema": {
        "$ref": "#/components/schemas/Aggregate"}}}},
        "400": {"description": "Nieznany poziom"}, "401": _401, "404": _404})
def aggregates(round_id: int) -> Response:
    level = request.args.get("level", "")
    if level not in LEVELS:
        return _error(400, f"level: jeden z {', '.join(LEVELS)}")
    hidden = request.args.get("small_cells", "true").lower() not in ("false", "0", "no")
    try:
        return jsonify(round_aggregates(round_id, level, small_cells=hidden))
    except NotFound:
        return _error(404, f"Nie ma rundy {round_id}.")


@bp.get("/rounds/<int:round_id>/codebook")
@operation(summary="Książka kodów rundy",
           description="Pytania ankiety rundy: typ, rodzaj wartości, odpowiedzi z etykietami.",
           parameters=[_ROUND_ID],
           responses={"200": {"description": "Pytania", "content": {_JSON: {"schema": {
               "$ref": "#/components/schemas/Codebook"}}}}, "401": _401, "404": _404})
def codebook_view(round_id: int) -> Response:
    try:
        return jsonify(codebook(round_id))
    except NotFound:
        return _error(404, f"Nie ma rundy {round_id}.")


SCHEMAS: dict[str, dict[str, Any]] = {
    "Round": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "key": {"type": "string"},
        "version": {"type": "string"}, "period": {"type": "string"},
        "reporting_year": {"type": "integer"}, "status": {"type": "string"},
        "opens_on": {"type": "string", "format": "date"},
        "deadline": {"type": "string", "format": "date"},
        "launched_at": {"type": "string", "format": "date-time", "nullable": True},
        "closed_at": {"type": "string", "format": "date-time", "nullable": True}}},
    "ResponsePage": {"type": "object", "properties": {
        "round": {"type": "integer"}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"},
        "next": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "status": {"type": "string"},
            "unit": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "kind": {"type": "string"}, "teryt": {"type": "string"}}},
            "updated_at": {"type": "string", "format": "date-time"},
            "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
            "answers": {"type": "object", "description": "id pytania → wartość zapisana"},
            "labels": {"type": "object", "description": "id pytania → etykieta(y) kodu"}}}}}},
    "Aggregate": {"type": "object", "properties": {
        "round": {"type": "integer"}, "level": {"type": "string"},
        "groups": {"type": "array", "items": {"type": "string"}},
        "small_cells_hidden": {"type": "boolean"},
        "previous_round": {"type": "object", "nullable": True,
                           "description": "Poprzednia runda tej samej ankiety (rok do roku)",
                           "properties": {"id": {"type": "integer"},
                                          "title": {"type": "string"},
                                          "reporting_year": {"type": "integer"}}},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "kolumna": {"type": "string"}, "pytanie": {"type": "string"},
            "etykieta": {"type": "string"}, "miara": {"type": "string"},
            "format": {"type": "string"},
            "values": {"type": "object", "description": "grupa → wartość"},
            "previous": {"type": "object",
                         "description": "grupa → wartość w poprzedniej rundzie (gdy jest)"},
            "change": {"type": "object",
                       "description": "grupa → zmiana (przy odsetkach: punkty procentowe)"},
            "note": {"type": "string",
                     "description": "nowe pytanie / pozycja, gdy nie ma jej w poprzedniej "
                                    "rundzie"}}}}}},
    "Codebook": {"type": "object", "properties": {
        "round": {"type": "integer"}, "key": {"type": "string"}, "version": {"type": "string"},
        "title": {"type": "string"}, "format": {"type": "integer"},
        "questions": {"type": "array", "items": {"type": "object"}}}},
}


_IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"},
                  "description": "ETag z poprzedniej odpowiedzi: 304, gdy nic się nie zmieniło"}


def _conditional_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """Every read answers ``If-None-Match`` (``_conditional``): its description says so."""
    parameters = [*operation.get("parameters", []), _IF_NONE_MATCH]
    responses = dict(operation["responses"])
    responses.setdefault("304", {"description": "Nic się nie zmieniło (ETag)"})
    ok = dict(responses["200"])
    ok["headers"] = {"ETag": {"schema": {"type": "string"},
                              "description": "Znacznik wersji odpowiedzi (If-None-Match)"}}
    responses["200"] = ok
    return {**operation, "parameters": parameters, "responses": responses}


def build_spec() -> dict[str, Any]:
    """The OpenAPI 3 document of every route of this blueprint, from their declarations."""
    spec = APISpec(title="esmon — API danych", version=API_VERSION, openapi_version="3.0.3",
                   info={"description": "Odczyt rund, odpowiedzi, zestawień i książki kodów. "
                                        "Token: panel → Tokeny API."})
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC:
            continue
        view = current_app.view_functions[rule.endpoint]
        declared = getattr(view, "openapi", None) or getattr(
            getattr(view, "__wrapped__", None), "openapi", None)
        if declared is None:
            raise RuntimeError(f"{rule.endpoint}: brak opisu operacji (@operation)")
        path = rule.rule.removeprefix(bp.url_prefix or "")
        for part in rule.arguments:
            path = path.replace(f"<int:{part}>", f"{{{part}}}").replace(f"<{part}>",
                                                                         f"{{{part}}}")
        spec.path(path=path, operations={"get": _conditional_operation(
            {**declared, "security": [{"token": []}], "operationId": rule.endpoint})})
    document = spec.to_dict()
    document["servers"] = [{"url": url_for("api.rounds", _external=True).removesuffix(
        "/rounds")}]
    return document


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_spec())
