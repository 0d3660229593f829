"""A respondent's invitation with its round, unit and response, read as one plain SQL row.

Every respondent page starts from these objects. Loaded by the ORM with joined eager loads,
they cost a fifth of a section page's CPU: the ORM builds its row processors for the six
joined entities anew on every execution. Here one Core statement (built once) reads the
row, and the mapped objects are made from it as the ORM's own loading makes them
(``sqlalchemy.orm.loading._instance``): no constructor, the values put in the instance's
``__dict__``, the state given its identity key and entered in the session's identity map,
their relationships to each other set as loaded, so lazy loads of the rest, deferred
columns, flushes and the response's version check work as before. An object the session
already holds is used as it is. (``make_transient_to_detached`` then ``Session.add`` did the
same in ten times the time: the key worked out again from the instance, every attribute's
expiry, the save-update cascade over every relationship — a third of a page's load.)
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Row, Select, bindparam, inspect, select
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from models import Invitation, Organisation, Questionnaire, Response, Round, Territory, Unit

#: the entities of the row, in the statement's join order
_MODELS: tuple[type, ...] = (Invitation, Round, Questionnaire, Organisation, Unit, Territory,
                             Response)
#: relationships the row fills in: (owner, attribute, target)
_LINKS: tuple[tuple[type, str, type], ...] = (
    (Invitation, "round", Round), (Invitation, "unit", Unit), (Invitation, "response", Response),
    (Response, "invitation", Invitation), (Round, "questionnaire", Questionnaire),
    (Round, "organisation", Organisation), (Unit, "territory", Territory))


#: columns no respondent page reads, left out of the row: their attributes are expired, so
#: anything that does read one gets it from the database then (timestamps of the register's
#: and staff's own work, a round's reminders and unit selection)
_LEFT_OUT: dict[type, tuple[str, ...]] = {
    Invitation: ("created_at",), Round: ("created_at", "launched_at", "reminder_days",
                                         "selection"),
    Questionnaire: ("loaded_at",), Organisation: ("created_at",), Unit: ("created_at",),
    Territory: ("valid_on",)}


def _columns(model: type) -> list[tuple[str, Any]]:
    """(attribute, column) of a model's plain columns the row reads: those a query loads up
    front (not deferred), but for ``_LEFT_OUT``."""
    mapper: Mapper[Any] = inspect(model)
    return [(prop.key, prop.columns[0]) for prop in mapper.column_attrs
            if not prop.deferred and prop.key not in _LEFT_OUT.get(model, ())]


class _Entity(NamedTuple):
    """Where one model's columns are in the row."""

    model: type
    mapper: Mapper[Any]
    #: attribute names of the columns ``row[start:stop]``
    keys: tuple[str, ...]
    start: int
    stop: int
    #: row positions of the primary key's columns, in the mapper's order
    identity: tuple[int, ...]
    #: attributes left out of the row (``_LEFT_OUT``)
    left_out: frozenset[str]


def _statement() -> tuple[Select[Any], tuple[_Entity, ...]]:
    layout: list[_Entity] = []
    selected: list[Any] = []
    for index, model in enumerate(_MODELS):
        mapper: Mapper[Any] = inspect(model)
        start = len(selected)
        keys = []
        for key, column in _columns(model):
            selected.append(column.label(f"e{index}_{key}"))
            keys.append(key)
        identity = tuple(start + keys.index(mapper.get_property_by_column(column).key)
                         for column in mapper.primary_key)
        layout.append(_Entity(model, mapper, tuple(keys), start, len(selected), identity,
                              frozenset(_LEFT_OUT.get(model, ()))))
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
    return statement, tuple(layout)


_STATEMENT, _LAYOUT = _statement()


def load_invitation(session: Session, invitation_id: int) -> Invitation | None:
    """The invitation with its round (questionnaire, organisation), unit and response."""
    row = session.connection().execute(_STATEMENT, {"invitation_id": invitation_id}).first()
    if row is None:
        return None
    loaded: dict[type, Any] = {}
    made: set[type] = set()
    for entity in _LAYOUT:
        loaded[entity.model], new = _persistent(session, entity, row)
        if new:
            made.add(entity.model)
    for owner, attribute, target in _LINKS:  # what the session held keeps what it has
        if owner in made:
            set_committed_value(loaded[owner], attribute, loaded[target])
    return loaded[Invitation]


def _persistent(session: Session, entity: _Entity, row: Row[Any]) -> tuple[Any, bool]:
    """The session's object of this identity, else a new one made persistent from the row.

    :return: the object (``None`` when the outer join found none) and whether it is new
    """
    identity = tuple(row[position] for position in entity.identity)
    if any(part is None for part in identity):
        return None, False  # e.g. an invitation without a response yet
    mapper = entity.mapper
    key = mapper.identity_key_from_primary_key(identity)
    held = session.identity_map.get(key)
    if held is not None:
        return held, False
    # as the ORM's loading does: no constructor, no attribute events, the values as loaded,
    # the state keyed and attached to the session, nothing pending to commit
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(zip(entity.keys, row[entity.start:entity.stop], strict=True))
    state = instance_state(instance)
    state.key = key
    state.session_id = session.hash_key
    if entity.left_out:  # read from the database if anything asks for one
        state.expired_attributes.update(entity.left_out)
    session.identity_map._add_unpresent(state, key)  # noqa: SLF001  # as loading.py does
    return instance, True
