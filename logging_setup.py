"""Structured logs: one line an event, ``key=value`` (or JSON), greppable on any host.

Every request gets an id (the caller's ``X-Request-ID`` when it is a sane one, else a new one),
echoed in the response header so a person reporting a problem can quote it. One line a
request says who asked for what and how it went::

    ts=2025-03-31T08:12:01.123Z level=info logger=esmon.request event=request
    request_id=3f2a… method=POST path=/ankieta/sekcja/d3 endpoint=respond.section status=302
    duration_ms=41.7 remote=10.0.0.7

A personal link is a password: its token never reaches a log, the path is written as
``/r/<redacted>``. Query strings are not logged at all (they may carry search terms).
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request

REQUEST_LOGGER = "esmon.request"
#: attribute marking the handler this module installs (create_app runs many times in tests)
_MARK = "_esmon_structured"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_TOKEN_PATH = re.compile(r"^/r/[^/]*")
#: LogRecord attributes that are not event fields
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_BARE = re.compile(r"^[^\s\"=\\]+$")


def redact_path(path: str) -> str:
    """A request path safe to log: the personal-link token is replaced."""
    return _TOKEN_PATH.sub("/r/<redacted>", path)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "level": record.levelname.lower(),
        "logger": record.name,
    }
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD and k != _MARK}
    message = record.getMessage()
    if message:
        fields["msg"] = message
    fields.update(extra)
    if record.exc_info:
        fields["exc"] = logging.Formatter().formatException(record.exc_info)
    return fields


def _kv_value(value: Any) -> str:
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return repr(value)  # a status, a duration: what json.dumps writes, without it
    text = value if isinstance(value, str) else json.dumps(value, default=str,
                                                           ensure_ascii=False)
    if _BARE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # quoted; newlines escaped: still one line


class KeyValueFormatter(logging.Formatter):
    """``key=value`` pairs; values with spaces, quotes or newlines are JSON-quoted."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{k}={_kv_value(v)}" for k, v in _fields(record).items())


class JsonFormatter(logging.Formatter):
    """One JSON object a line (for log collectors that parse JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), default=str, ensure_ascii=False)


def _handler(kind: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if kind == "json" else KeyValueFormatter())
    setattr(handler, _MARK, True)
    return handler


def _install(logger: logging.Logger, kind: str, level: str) -> None:
    """Replace this module's (and Flask's default) handler on a logger, keep any other."""
    from flask.logging import default_handler

    for old in list(logger.handlers):
        if getattr(old, _MARK, False) or old is default_handler:
            logger.removeHandler(old)
    logger.addHandler(_handler(kind))
    logger.setLevel(level.upper())


def init_app(app: Flask) -> None:
    """Send the app's own logs through one structured handler and log every request.

    Call it before anything else registers ``before_request`` functions, so a request refused
    early (a rate limit) is still timed and logged.
    """
    kind = app.config.get("ESMON_LOG_FORMAT", "kv")
    level = app.config.get("ESMON_LOG_LEVEL", "INFO")
    esmon = logging.getLogger("esmon")
    _install(esmon, kind, level)
    esmon.propagate = False
    _install(app.logger, kind, level)
    request_log = logging.getLogger(REQUEST_LOGGER)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        request_id = g.get("request_id") or uuid.uuid4().hex
        if "X-Request-ID" not in response.headers:  # setdefault raised and caught a KeyError
            response.headers["X-Request-ID"] = request_id
        # health probes every few seconds would drown the real traffic
        quiet = request.endpoint == "health.healthz" and response.status_code == 200
        level = logging.DEBUG if quiet else logging.INFO
        if not request_log.isEnabledFor(level):
            return response
        # the record made directly: ``Logger.log`` walks the stack for the caller's file and
        # line, which a request line never shows, on every request
        request_log.handle(request_log.makeRecord(
            REQUEST_LOGGER, level, __file__, 0, "", (), None, extra={
                "event": "request",
                "request_id": request_id,
                "method": request.method,
                "path": redact_path(request.path),
                "endpoint": request.endpoint or "-",
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)
                if started is not None else None,
                "remote": request.remote_addr or "-",
            }))
        return response
