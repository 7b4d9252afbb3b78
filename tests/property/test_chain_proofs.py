"""Property: after random commands over two merchants, every merchant's proof
checks, and the balances the checker recomputes equal the ledger's."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.card_codes import card_id
from domain.errors import LedgerError
from projections.chain.checkpoint import make_checkpoint
from projections.chain.keys import generate_key, load_private, public_path
from projections.chain.proof import build_proof
from projections.chain.store import create_chain_tables
from projections.chain.verify import verify_chain
from projections.engines import make_engine
from projections.events import EventSource
from scripts import check_proof
from tests.property.test_projection_fold import CODES, Run, commands


def test_every_merchants_proof_checks_and_its_balances_are_the_ledgers(
    ledger, clock, database_url, tmp_path
):
    engine = make_engine(database_url, writer=True)
    create_chain_tables(engine)
    source = EventSource(ledger)
    key_path = tmp_path / "chain.pem"
    generate_key(key_path)
    key = load_private(key_path)
    proof_path = tmp_path / "proof.json"

    @settings(
        max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        st.lists(st.integers(500, 5000), min_size=2 * len(CODES),
                 max_size=2 * len(CODES)),
        st.lists(commands, min_size=5, max_size=30),
    )  # fmt: skip
    def example(issues: list[int], steps: list) -> None:
        run = Run(ledger, clock)
        for n, value in enumerate(issues):
            run.do(("issue", n % 2, n // 2, value, False))
        for step in steps:
            run.do(step)
        checkpoint = make_checkpoint(engine, source, key)
        for merchant, _currency in run.merchants:
            proof = build_proof(engine, source, checkpoint, merchant)
            proof_path.write_text(json.dumps(proof))
            cards, problems = check_proof.check(
                str(proof_path), str(public_path(key_path))
            )
            assert problems == []
            for code in CODES:
                try:
                    card = ledger.card(merchant, code)
                except LedgerError:
                    assert str(card_id(merchant, code)) not in cards
                    continue
                mine = cards[str(card_id(merchant, code))]
                assert (mine["balance"], mine["version"]) == (
                    card.balance,
                    card.version,
                )
                assert mine["held"] == card.held()

    example()
    assert verify_chain(engine, source, key.public_key()).ok
    engine.dispose()
