"""The hash chain on SQLite and PostgreSQL: an honest store passes verify-chain and
the proof checker; each kind of tampering is named by verify-chain at its position,
and fails the checker on a proof that covers it."""

from __future__ import annotations

import pytest

from domain.card_codes import card_id
from tests.integration.chain_support import (
    A_CODES,
    LOCATION,
    Chained,
    Tamper,
    chained_store,
    pos,
    positions_of,
)


@pytest.fixture
def store(ledger, database_url, tmp_path) -> Chained:
    return chained_store(ledger, database_url, tmp_path)


def first(store: Chained) -> tuple[int, str]:
    report = store.verify()
    assert not report.ok and report.first is not None, report
    return report.first.position, report.first.kind


def checker_fails(store: Chained, tmp_path, *reasons: str) -> list[str]:
    _, problems = store.check(store.proof(), tmp_path)
    assert problems, "the checker passed a proof of tampered history"
    text = "\n".join(problems)
    assert any(reason in text for reason in reasons), text
    return problems


def test_an_honest_store_passes_verify_chain_and_the_checker(store, ledger, tmp_path):
    report = store.verify()
    assert report.ok and report.first is None
    assert report.events == report.chained == ledger.recorder.max_notification_id()
    assert report.checkpoints_ok == 1
    cards, problems = store.check(store.proof(), tmp_path)
    assert problems == []
    for code in A_CODES:
        card = ledger.card(store.merchant_a, code)
        assert cards[str(card_id(store.merchant_a, code))]["balance"] == card.balance
    # New events after the checkpoint are chained by the follower and still pass.
    ledger.redeem(store.merchant_a, A_CODES[0], 5, "GBP", LOCATION, None, pos())
    store.follow()
    assert store.verify().ok


def test_one_changed_byte_is_named_changed_at_its_position(store, tmp_path):
    at = store.positions["redeem_1"]
    Tamper(store.engine).change_one_byte(at)
    assert first(store) == (at, "changed")
    checker_fails(store, tmp_path, f"event at position {at}: not in the signed tree")


def test_a_deleted_event_is_named_missing(store, tmp_path):
    at = store.positions["redeem_1"]
    Tamper(store.engine).delete(at)
    assert first(store) == (at, "missing")
    checker_fails(store, tmp_path, "version 2 is missing")


def test_a_forged_event_is_named_inserted(store, tmp_path):
    at = store.positions["hold_1"]
    Tamper(store.engine).insert_forged(at, like=store.positions["redeem_1"], version=5)
    assert first(store) == (at, "inserted")
    checker_fails(store, tmp_path, f"event at position {at}: not in the signed tree")


def test_two_swapped_events_are_named_reordered(store, tmp_path):
    p, q = store.positions["redeem_1"], store.positions["load_2"]
    Tamper(store.engine).swap(p, q)
    assert first(store) == (p, "reordered")
    checker_fails(store, tmp_path, f"event at position {q}: not in the signed tree")


def test_history_rewritten_and_rechained_fails_its_checkpoint(store, ledger, tmp_path):
    signed_before = store.verify().head[0]
    a = store.merchant_a
    ledger.redeem(a, A_CODES[1], 300, "GBP", LOCATION, None, pos("late-1"))
    late = positions_of(store.source, card_id(a, A_CODES[1]))[-1]
    ledger.load_card(a, A_CODES[1], 50, "GBP", pos("late-2"))
    second = store.checkpoint()
    tamper = Tamper(store.engine)
    tamper.change_one_byte(late)
    tamper.rechain_from(late)
    store.follow()  # the intruder re-links everything from the change on
    report = store.verify()
    assert report.first is None, "the re-written links agree with the events"
    assert report.checkpoints_ok == 1
    [failure] = report.checkpoint_failures
    assert (failure.position, failure.kind) == (second.position, "rewritten")
    assert f"after position {signed_before} and up to {second.position}" in str(failure)
    checker_fails(store, tmp_path, "not in the signed tree")


def test_a_checkpoint_whose_fields_were_edited_fails_its_signature(store, tmp_path):
    with store.engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(text("UPDATE chain_checkpoints SET signed_at = '2020-01-01'"))
    report = store.verify()
    assert [f.kind for f in report.checkpoint_failures] == ["signature"]
    checker_fails(store, tmp_path, "signature does not verify")
