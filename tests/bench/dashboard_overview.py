"""Server-side time of the dashboard's overview page (median of many GETs).

`python -m tests.bench.dashboard_overview [sqlite|postgres]`: a merchant with 200
cards sold through the API, 30 days of their activity, then the signed-in
overview rendered 200 times through the real app (create_app, no network).
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace

from projections.engines import make_engine
from projections.events import EventSource
from projections.runner import Projector
from service.app import create_app
from service.config import Config
from tests.bench.harness import fresh_database, init_db

ADMIN = {"Authorization": "Bearer bench-admin"}
CARDS, RUNS = 200, 200
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def measure(database_url: str) -> float:
    """Median milliseconds of GET /dashboard/ for a signed-in owner."""
    init_db(database_url)
    config = replace(Config(database_url=database_url), admin_token="bench-admin")
    app = create_app(config)
    client = app.test_client()
    merchant = client.post("/v1/merchants", headers=ADMIN,
                           json={"name": "Bench", "currency": "GBP"}).json  # fmt: skip
    path = f"/v1/merchants/{merchant['merchant_id']}"
    site = {"name": "Main", "lightspeed_business_location_id": "1"}
    client.post(f"{path}/sites", headers=ADMIN, json=site)
    for n in range(CARDS):
        client.post(f"{path}/cards", headers=ADMIN,
                    json={"amount": 1000 + n, "currency": "GBP"})  # fmt: skip
    owner = {"email": "o@bench.example"}
    link = client.post(f"{path}/users", headers=ADMIN, json=owner).json[
        "set_password_url"
    ]
    page = link.removeprefix(config.public_url)
    token = CSRF.search(client.get(page).text).group(1)  # type: ignore[union-attr]
    client.post(page, data={"csrf_token": token, "password": "bench password 1",
                            "confirm": "bench password 1"})  # fmt: skip
    ledger = app.extensions["giftledger.ledger"]
    writer = make_engine(database_url, writer=True)
    Projector(writer, EventSource(ledger)).catch_up()  # the read models hold it all
    writer.dispose()
    assert "£2,199.00" in client.get("/dashboard/").text  # 1000 + ... + 1199 pence
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        answer = client.get("/dashboard/")
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    app.extensions["giftledger.ledger"].close()
    return statistics.median(times)


def main(backend: str = "sqlite") -> None:
    """Print the median for one backend."""
    if backend == "postgres":
        with fresh_database("bench_overview") as url:
            median = measure(url)
    else:
        folder = tempfile.mkdtemp()
        median = measure(f"sqlite:///{folder}/bench.db")
    print(f"overview ({backend}): median {median:.1f} ms over {RUNS} GETs")


if __name__ == "__main__":
    main(*sys.argv[1:])
