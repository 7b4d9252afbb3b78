"""Structured JSON logs with a request id; card codes in paths are masked."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Collection

from flask import Flask, Response, g, request

# A card code is a bearer secret, never logged whole: not after /cards/, and not
# in a mistyped path (/v1/pos/Cards/<code>, /v1/pos/card/<code>) either.
UUID_SEGMENT = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
CARD_WORDS = frozenset({"card", "cards"})


# json.dumps(entry, default=str) would build this encoder again for every line.
ENCODER = json.JSONEncoder(default=str)


def mask_path(path: str, words: Collection[str] = ()) -> str:
    """The path with every segment that could be a card code cut to its last four.

    Kept whole: the routes' own `words`, ids (UUIDs) and segments of four
    characters or fewer (a mask shows four anyway). A segment after a `card(s)`
    segment, in any case, is masked even when it has the shape of an id.
    """
    segments = path.split("/")
    for i, segment in enumerate(segments):
        after_card = i > 0 and segments[i - 1].lower() in CARD_WORDS
        if len(segment) <= 4 or (segment in words and not after_card):
            continue
        if after_card or not UUID_SEGMENT.fullmatch(segment):
            segments[i] = "****" + segment[-4:]
    return "/".join(segments)


def route_words(app: Flask) -> frozenset[str]:
    """The literal segments of the app's routes (`v1`, `merchants`, `holds`...)."""
    return frozenset(
        segment
        for rule in app.url_map.iter_rules()
        for segment in rule.rule.split("/")
        if segment and "<" not in segment
    )


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record with its extra fields."""
        entry = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return ENCODER.encode(entry)


def configure_logging(level: int = logging.INFO) -> None:
    """Send the giftledger loggers to stderr as JSON lines (once per process)."""
    root = logging.getLogger("giftledger")
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def note(**fields: object) -> None:
    """Add fields to this request's access log line (one line per request, like
    Stripe's canonical log lines: a handler's own line would cost a second)."""
    if "log_fields" not in g:
        g.log_fields = {}
    g.log_fields.update(fields)


def register_access_log(app: Flask) -> None:
    """Log every request: id, method, masked path, status, milliseconds, and what
    the handler noted."""
    access = logging.getLogger("giftledger.access")
    words: list[frozenset[str]] = []  # known once every blueprint is registered

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        if not words:
            words.append(route_words(app))
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        fields = {
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": mask_path(request.path, words[0]),
            "status": response.status_code,
            "ms": round(elapsed, 2),
            **g.get("log_fields", {}),
        }
        if access.isEnabledFor(logging.INFO):
            # What access.info does, without the stack walk for a caller (file,
            # line, function) that no JSON line shows.
            extra = {"fields": fields}
            args = (access.name, logging.INFO, __file__, 0, "request", (), None)
            access.handle(access.makeRecord(*args, extra=extra))
        return response
