"""What the real gunicorn answers before the app sees a request, and its headers."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from tests.bench.harness import free_port, init_db, service


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """giftledger under the production gunicorn command line, on SQLite."""
    folder = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{folder / 'giftledger.db'}"
    init_db(url)
    number = free_port()
    server = service(url, number, folder).start()
    try:
        server.wait_http(f"http://127.0.0.1:{number}/healthz")
        yield number
    finally:
        server.stop()


def exchange(port: int, raw: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes; the status line, headers and body that came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /healthz HTTP/1.1\r\n" + b"X-A: b\r\n" * 120 + b"\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n", 400),
    ],
)
def test_what_gunicorn_cannot_parse_is_a_problem(port, raw, status):
    line, headers, body = exchange(port, raw)
    assert line.split(" ")[1] == str(status), line
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(body)["status"] == status
    assert "gunicorn" not in headers.get("Server", "")


def test_no_answer_names_the_server_software(port):
    for path in (b"/healthz", b"/v1/pos/cards/ABCD1234", b"/nowhere"):
        line, headers, _ = exchange(
            port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert "gunicorn" not in headers.get("Server", "").lower(), (line, headers)
        assert headers["X-Content-Type-Options"] == "nosniff"
