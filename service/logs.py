"""Structured JSON logs with a request id; card codes in paths are masked."""

from __future__ import annotations

import json
import logging
import re
import sys
import time

from flask import Flask, Response, g, request

# A path segment after /cards/ is a card code: a bearer secret, never logged whole.
CARD_IN_PATH = re.compile(r"(/cards/)([^/]*?)([^/]{0,4})(?=/|$)")


# json.dumps(entry, default=str) would build this encoder again for every line.
ENCODER = json.JSONEncoder(default=str)


def mask_path(path: str) -> str:
    """The request path with card codes cut to their last four characters."""
    if "/cards/" not in path:
        return path
    return CARD_IN_PATH.sub(lambda m: f"{m.group(1)}****{m.group(3)}", path)


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

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        fields = {
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": mask_path(request.path),
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
