"""Addresses the templates build, each worked out once per application.

A respondent page builds a dozen addresses (the stylesheet, the scripts, the home page, the
language switch, the autosave endpoint …); Werkzeug's ``MapAdapter.build`` looks the rule up
and formats it anew every time, for the same few answers. ``cached_url_for`` keeps the
address of a plain build — an endpoint and text or number arguments, no ``_external``,
``_anchor`` or other option — keyed by everything a relative address depends on in this
application (the script root, the host, and the blueprint for a ``.name`` endpoint), and
calls ``url_for`` for anything else. The cache is bounded: an address carrying a
visitor's path (the language switch's ``next``) cannot grow it without end.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for

#: ``app.extensions`` key of the addresses: (endpoint, arguments, script root, host,
#: blueprint) → address
CACHE_KEY = "esmon_url_cache"
#: at most this many addresses are kept; past it, addresses are built as usual
LIMIT = 2048


def cached_url_for(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)``, from the cache when the same build was made before."""
    if (not has_request_context()
            or not all(type(value) in (str, int) and not key.startswith("_")
                       for key, value in values.items())):
        return url_for(endpoint, **values)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if any(app.url_default_functions.values()):
        return url_for(endpoint, **values)
    here = request._get_current_object()  # type: ignore[attr-defined]
    blueprint = here.blueprint if endpoint.startswith(".") else None
    key = (endpoint, tuple(sorted(values.items())), here.script_root, here.host, blueprint)
    cache: dict[tuple[Any, ...], str] = app.extensions[CACHE_KEY]
    address = cache.get(key)
    if address is None:
        address = url_for(endpoint, **values)
        if len(cache) < LIMIT:
            cache[key] = address
    return address


def install(app: Flask) -> None:
    """Templates' ``url_for`` is the cached one (same arguments, same answers)."""
    app.extensions[CACHE_KEY] = {}
    app.jinja_env.globals["url_for"] = cached_url_for
