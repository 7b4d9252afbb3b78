"""One pooled connection per request for the hot statements (service/store/pg_lease.py).

Inside a request the read and the save share one checkout; the connection goes
back when the request ends, and at once when a statement fails, so a retry after a
lost connection never runs on the dead one. Outside a request nothing is kept.
"""

from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from eventsourcing import persistence

from domain.ledger import Ledger
from domain.origin import Origin
from service.app import create_app
from service.store.pg_lease import library_error
from service.store.pg_store import LedgerRecorder
from tests.e2e.support import bearer, issue_card, redemption_body, set_up_merchant

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
CODE = "77412290000001"


def _requests(recorder: LedgerRecorder) -> int:
    return int(recorder.datastore.pool.get_stats().get("requests_num", 0))


def _pid(conn: psycopg.Connection) -> int:
    return conn.info.backend_pid


@pytest.fixture
def funded(ledger: Ledger):
    merchant = ledger.register_merchant("Bistro", "GBP")
    ledger.add_site(merchant.id, "Main", "4057")
    ledger.issue_card(merchant.id, CODE, 1_000, "GBP", None, Origin(source="pos"))
    return ledger, merchant.id


@pytest.mark.store
def test_a_requests_statements_share_one_connection(funded):
    ledger, merchant_id = funded
    recorder = ledger.recorder
    assert isinstance(recorder, LedgerRecorder)
    used: list[int] = []
    statement = recorder.lease.run
    recorder.lease.begin()
    try:
        before = _requests(recorder)
        for _ in range(3):
            used.append(statement(_pid))
        ledger.redeem(merchant_id, CODE, 1, "GBP", "4057", None, Origin(source="pos"))
        assert _requests(recorder) - before == 1
    finally:
        recorder.lease.end()
    assert len(set(used)) == 1


def test_outside_a_request_every_statement_gives_its_connection_back(funded):
    ledger, merchant_id = funded
    recorder = ledger.recorder
    before = _requests(recorder)
    ledger.redeem(merchant_id, CODE, 1, "GBP", "4057", None, Origin(source="pos"))
    ledger.redeem(merchant_id, CODE, 1, "GBP", "4057", None, Origin(source="pos"))
    used = _requests(recorder) - before
    assert used >= 2  # nothing kept between statements
    stats = recorder.datastore.pool.get_stats()
    assert stats["pool_available"] == stats["pool_size"]


def test_a_failed_statement_gives_back_its_connection_and_the_retry_gets_a_new_one(
    funded, config
):
    ledger, merchant_id = funded
    recorder = ledger.recorder
    recorder.lease.begin()
    try:
        first = recorder.lease.run(_pid)
        with psycopg.connect(config.database_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        # The read fails on the dead connection; the store's retry takes a fresh one.
        ledger.redeem(merchant_id, CODE, 5, "GBP", "4057", None, Origin(source="pos"))
        assert recorder.lease.run(_pid) != first
    finally:
        recorder.lease.end()
    assert ledger.get_card(merchant_id, CODE)[0].balance == 995


def test_errors_come_out_as_the_librarys_exceptions(funded):
    ledger, _ = funded
    recorder = ledger.recorder

    def failing(conn: psycopg.Connection) -> None:
        conn.execute("SELECT 1 / 0")

    with pytest.raises(persistence.DataError):
        recorder.lease.run(failing)
    stats = recorder.datastore.pool.get_stats()
    assert stats["pool_available"] == stats["pool_size"]
    assert isinstance(
        library_error(psycopg.errors.UniqueViolation()), persistence.IntegrityError
    )
    assert isinstance(
        library_error(psycopg.OperationalError()), persistence.OperationalError
    )


def test_a_redemption_checks_out_one_connection_and_gives_it_back(config):
    app = create_app(
        replace(config, pool_size=1, max_overflow=0, not_found_limit=10**5)
    )
    try:
        client = app.test_client()
        merchant = set_up_merchant(client, "Bistro", "GBP", "4057")
        issue_card(client, merchant, 1_000, CODE)
        recorder = app.extensions["giftledger.ledger"].recorder
        checkouts = []
        for n in range(20):
            before = _requests(recorder)
            answer = client.post(
                "/v1/pos/redemptions",
                json=redemption_body(merchant, CODE, 1),
                headers=bearer(merchant.pos_token, **{"Idempotency-Key": f"k{n}"}),
            )
            assert answer.status_code == 201, answer.get_json()
            checkouts.append(_requests(recorder) - before)
        assert checkouts == [1] * 20  # the read and the save on one connection
        stats = recorder.datastore.pool.get_stats()
        assert stats["pool_available"] == stats["pool_size"] == 1
    finally:
        app.extensions["giftledger.ledger"].close()
