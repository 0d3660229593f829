"""Who may open a staff page: every staff view declares the roles it admits."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from extensions import db, login_manager
from models import User
from services.scoping import scope_of, set_scope


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session ``"<id>:<generation>"``; a logged-out generation is nobody."""
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_enabled or user.session_generation != int(generation):
        return None
    set_scope(scope_of(user.organisation, db.session))
    return user


def roles_required(*roles: str) -> Callable:
    """Require a logged-in staff member with one of ``roles`` (401 → login page, else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


admin_only = roles_required("admin")
staff = roles_required("admin", "coordinator")


def deployment_admin_only(view: Callable) -> Callable:
    """Like :data:`admin_only`, and refused (403) to a regional partner's admin."""
    checked = admin_only(view)

    @wraps(checked)
    def wrapped(*args: Any, **kwargs: Any):
        if current_user.is_authenticated and current_user.is_admin \
                and not current_user.runs_the_deployment:
            abort(403)
        return checked(*args, **kwargs)

    return wrapped
