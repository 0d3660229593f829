"""A respondent's invitation with its round, unit and response, read as one plain SQL row.

Every respondent page starts from these objects. Loaded by the ORM with joined eager loads,
they cost a fifth of a section page's CPU: the ORM builds its row processors for the six
joined entities anew on every execution. Here one Core statement (built once) reads the
row, and the mapped objects are made from it as the ORM would have made them: persistent in
the session (``make_transient_to_detached``, then added), their relationships to each other
set as loaded, so lazy loads, the identity map, flushes and the response's version check
work as before. An object the session already holds is used as it is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from models import Invitation, Organisation, Questionnaire, Response, Round, Territory, Unit

#: the entities of the row, in the statement's join order
_MODELS: tuple[type, ...] = (Invitation, Round, Questionnaire, Organisation, Unit, Territory,
                             Response)
#: relationships the row fills in: (owner, attribute, target)
_LINKS: tuple[tuple[type, str, type], ...] = (
    (Invitation, "round", Round), (Invitation, "unit", Unit), (Invitation, "response", Response),
    (Response, "invitation", Invitation), (Round, "questionnaire", Questionnaire),
    (Round, "organisation", Organisation), (Unit, "territory", Territory))


def _columns(model: type) -> list[tuple[str, Any]]:
    """(attribute, column) of a model's plain columns a query loads up front (not deferred)."""
    mapper: Mapper[Any] = inspect(model)
    return [(prop.key, prop.columns[0]) for prop in mapper.column_attrs if not prop.deferred]


def _statement() -> tuple[Select[Any], list[tuple[type, list[tuple[str, str]]]]]:
    layout: list[tuple[type, list[tuple[str, str]]]] = []
    selected = []
    for index, model in enumerate(_MODELS):
        names = []
        for key, column in _columns(model):
            label = f"e{index}_{key}"
            selected.append(column.label(label))
            names.append((key, label))
        layout.append((model, names))
    invitations, rounds, questionnaires, organisations, units, territories, responses = (
        model.__table__ for model in _MODELS)  # type: ignore[attr-defined]
    joined = (invitations
              .outerjoin(rounds, rounds.c.id == invitations.c.round_id)
              .outerjoin(questionnaires, questionnaires.c.id == rounds.c.questionnaire_id)
              .outerjoin(organisations, organisations.c.id == rounds.c.organisation_id)
              .outerjoin(units, units.c.id == invitations.c.unit_id)
              .outerjoin(territories, territories.c.code == units.c.teryt)
              .outerjoin(responses, responses.c.invitation_id == invitations.c.id))
    statement = (select(*selected).select_from(joined)
                 .where(invitations.c.id == bindparam("invitation_id")))
    return statement, layout


_STATEMENT, _LAYOUT = _statement()


def load_invitation(session: Session, invitation_id: int) -> Invitation | None:
    """The invitation with its round (questionnaire, organisation), unit and response."""
    row = session.connection().execute(_STATEMENT, {"invitation_id": invitation_id}
                                       ).mappings().first()
    if row is None:
        return None
    loaded: dict[type, Any] = {}
    made: set[type] = set()
    for model, names in _LAYOUT:
        values = {key: row[label] for key, label in names}
        loaded[model], new = _persistent(session, model, values)
        if new:
            made.add(model)
    for owner, attribute, target in _LINKS:  # what the session held keeps what it has
        if owner in made:
            set_committed_value(loaded[owner], attribute, loaded[target])
    return loaded[Invitation]


def _persistent(session: Session, model: type, values: dict[str, Any]) -> tuple[Any, bool]:
    """The session's object of this identity, else a new one made persistent from ``values``.

    :return: the object (``None`` when the outer join found none) and whether it is new
    """
    mapper: Mapper[Any] = inspect(model)
    identity = tuple(values[mapper.get_property_by_column(column).key]
                     for column in mapper.primary_key)
    if any(part is None for part in identity):
        return None, False  # e.g. an invitation without a response yet
    held = session.identity_map.get(mapper.identity_key_from_primary_key(identity))
    if held is not None:
        return held, False
    # as the ORM's loading does: no constructor, no attribute events, the values as loaded
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance, True
