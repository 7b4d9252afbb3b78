"""gunicorn's gthread worker, answering what it cannot parse as problem+json.

A request line over the limit (414), too many or too large headers (431) or a
malformed request (400) never reaches the app: gunicorn answers it with an HTML
page of its own. This worker answers those in the API's problem+json shape, and
the `Server` header names no server software.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.http import errors, wsgi
from gunicorn.workers.gthread import ThreadWorker

# gunicorn has no setting for its `Server` header: each answer copies this
# module-level name (the version banner tells an attacker what to try).
wsgi.SERVER = "giftledger"

# (error, status, reason, code): the first that matches; any other parse error: 400.
CLIENT_ERRORS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (errors.LimitRequestLine, 414, "URI Too Long", "invalid_request"),
    (errors.LimitRequestHeaders, 431, "Request Header Fields Too Large",
     "invalid_request"),
    (errors.ForbiddenProxyRequest, 403, "Forbidden", "forbidden"),
    (errors.UnsupportedTransferCoding, 501, "Not Implemented", "invalid_request"),
)  # fmt: skip
# The app's own fault (an answer header it built), and a bad setting: not the
# client's, so gunicorn's own 500 stands.
SERVER_ERRORS = tuple(
    getattr(errors, name)
    for name in ("ConfigurationProblem", "InvalidResponseHeader",
                 "InvalidResponseHeaderName")
    if hasattr(errors, name)
)  # fmt: skip


def problem_answer(exc: Exception) -> bytes | None:
    """The raw HTTP answer to a request gunicorn could not parse, or None."""
    if not isinstance(exc, errors.ParseException) or isinstance(exc, SERVER_ERRORS):
        return None
    status, reason, code = 400, "Bad Request", "invalid_request"
    for kind, its_status, its_reason, its_code in CLIENT_ERRORS:
        if isinstance(exc, kind):
            status, reason, code = its_status, its_reason, its_code
            break
    body = json.dumps({
        "type": f"urn:giftledger:problem:{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": f"the request could not be read: {reason.lower()}",
        "code": code,
    }).encode()  # fmt: skip
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn is untyped
    """gthread, with gunicorn's own client-error pages in problem+json."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        """Answer a request gunicorn could not parse (or leave it to gunicorn)."""
        answer = problem_answer(exc)
        if answer is None:
            super().handle_error(req, client, addr, exc)
            return
        ip = addr[0] if addr else ""
        self.log.warning("Invalid request from ip=%s: %s", ip, type(exc).__name__)
        try:
            util.write_nonblock(client, answer)
        except OSError:
            self.log.debug("Failed to send error message.")
