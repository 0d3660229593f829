"""A saved section's changes to its response, written with one UPDATE of the row.

Why not the ORM's flush: its unit of work (dependency sort, mapper persistence, the version
check's bookkeeping) cost more than the rest of a section save — about 0.7 ms of a 5 ms
section POST — for what is one row. The UPDATE here is the one the flush would send: the
changed columns, ``updated_at``, and the next ``version`` only where the row still has the
version this request read (the optimistic lock of ``models.response``); another save that
won meanwhile gives the ``StaleDataError`` the flush would have raised. The object is then
told the values are stored (``set_committed_value``), so the ORM has nothing left to write
and later reads in the request see them.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Update, bindparam, inspect, update
from sqlalchemy.orm import InstanceState, attributes
from sqlalchemy.orm.exc import StaleDataError

from extensions import db
from models import Response
from models.types import utcnow

#: ``Session.info`` key: this request's transaction has written something (by a flush, or
#: by ``write_changes``), so the request ends with a commit
WRITTEN_KEY = "esmon_flushed"

_TABLE = Response.__table__


def write_changes(response: Response, changes: dict[str, Any]) -> None:
    """Store ``changes`` (column → new value) of ``response``; nothing when there are none.

    :raise StaleDataError: the row's version is no longer the one read (a save won meanwhile)
    """
    if not changes:
        return
    session = db.session
    state: InstanceState[Response] = inspect(response)
    if state.modified or not state.persistent:  # changed otherwise too, or not yet a row:
        for name, value in changes.items():    # the ORM writes it all at once
            setattr(response, name, value)
        session.flush()
        return
    version = response.version
    values = {**changes, "version": version + 1, "updated_at": utcnow()}
    done = session.connection().execute(_statement(frozenset(changes)),
                                        {**values, "row_id": response.id, "read": version})
    if done.rowcount != 1:
        raise StaleDataError(f"UPDATE of responses row {response.id} at version {version} "
                             f"matched {done.rowcount} rows")
    for name, value in values.items():
        attributes.set_committed_value(response, name, value)
    session.info[WRITTEN_KEY] = True


@functools.cache
def _statement(columns: frozenset[str]) -> Update:
    """The UPDATE of these columns (and the version, the time), built once per set: building
    and keying a statement anew cost as much as sending it."""
    return (update(_TABLE)
            .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.version == bindparam("read"))
            .values({name: bindparam(name) for name in (*sorted(columns), "version",
                                                        "updated_at")}))
