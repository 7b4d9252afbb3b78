"""The fast copies the store's cache makes of aggregates stay isolated."""

from __future__ import annotations

from uuid import uuid4

from domain.card_codes import card_id
from domain.giftcard import GiftCard
from domain.merchant import Merchant
from service.store.copying import FLATTEN_AT, copy_aggregate, fork_layers, plain_copy


def test_a_fork_and_its_original_never_see_each_others_writes():
    original, clone = fork_layers({"a": 1})
    original["b"] = 2
    clone["c"] = 3
    assert dict(original) == {"a": 1, "b": 2}
    assert dict(clone) == {"a": 1, "c": 3}
    again_original, again = fork_layers(original)
    again_original["d"] = 4
    assert dict(again) == {"a": 1, "b": 2}
    assert dict(again_original) == {"a": 1, "b": 2, "d": 4}
    assert dict(clone) == {"a": 1, "c": 3}


def test_forks_of_an_empty_map_and_of_a_forked_one_stay_apart():
    empty: dict[str, int] = {}
    original, clone = fork_layers(empty)
    clone["a"] = 1
    assert original == {} and dict(clone) == {"a": 1}
    # A map already in its forked form (empty write layer) is kept as it is; the
    # clones it then gives still never see each other's writes, nor its own.
    forked, first = fork_layers({"k": 0})
    kept, second = fork_layers(forked)
    assert kept is forked
    first["x"], second["y"], kept["z"] = 1, 2, 3
    assert dict(first) == {"k": 0, "x": 1}
    assert dict(second) == {"k": 0, "y": 2}
    assert dict(kept) == {"k": 0, "z": 3}


def test_write_layers_are_folded_so_lookups_stay_short():
    original = {"k0": 0}
    for n in range(3 * FLATTEN_AT):
        original, clone = fork_layers(original)
        original[f"k{n + 1}"] = n + 1
        assert len(clone.maps) <= 3 and len(original.maps) <= 3
    assert dict(original) == {f"k{n}": n for n in range(3 * FLATTEN_AT + 1)}


def test_copies_of_copies_share_the_history_until_a_fold_is_worth_it():
    history = {n: n for n in range(10_000)}
    cache = history
    for n in range(FLATTEN_AT):  # a command's copy, then the cache's copy of it
        _, command = fork_layers(cache)
        command[f"w{n}"] = n
        command, cache = fork_layers(command)
        assert cache.maps[-1] is history  # shared, never copied
        assert len(cache.maps) <= 4
    assert dict(cache) == {**history, **{f"w{n}": n for n in range(FLATTEN_AT)}}
    for n in range(3):
        _, command = fork_layers(cache)
        command[f"more{n}"] = n
        _, cache = fork_layers(command)
    assert cache.maps[-1] is not history  # folded once FLATTEN_AT writes piled up
    assert len(cache) == 10_000 + FLATTEN_AT + 3


def test_plain_copy_shares_nothing_mutable():
    state = {"a": [1, {"b": {2}}]}
    copied = plain_copy(state)
    copied["a"][1]["b"].add(3)
    assert state == {"a": [1, {"b": {2}}]}


def origin(key: str) -> dict:
    return {"source": "pos", "actor": "t", "idempotency_key": key, "fingerprint": key}


def test_a_copied_card_and_the_cached_one_change_apart():
    merchant = uuid4()
    cached = GiftCard.issue(
        card_id(merchant, "C1"), merchant, "****C1", "GBP", 10_000, None, origin("i")
    )
    cached.collect_events()
    for n in range(FLATTEN_AT + 10):
        command = copy_aggregate(cached)
        command.redeem(f"r{n}", 1, cached.created_on, origin(f"k{n}"))
        # The cached card moves on by its own events (as a fast-forward does).
        cached.redeem(f"c{n}", 2, cached.created_on, origin(f"m{n}"))
        assert f"r{n}" in command.redemptions and f"r{n}" not in cached.redemptions
        assert f"c{n}" in cached.redemptions and f"c{n}" not in command.redemptions
        assert command.balance == cached.balance + 1
    assert len(cached.applied) == FLATTEN_AT + 11


def test_a_copy_changes_apart_from_its_original_and_equals_it():
    merchant = uuid4()
    card = GiftCard.issue(
        card_id(merchant, "C2"), merchant, "****C2", "GBP", 10_000, None, origin("i")
    )
    card.collect_events()
    command = copy_aggregate(card)
    assert command == card and command is not card and type(command) is GiftCard
    assert set(command.__dict__) == set(card.__dict__)  # no mark of its own
    command.redeem("r1", 1, card.created_on, origin("k1"))
    assert command.balance == 9_999 and card.balance == 10_000
    assert card.pending_events == [] and "r1" not in card.redemptions


def test_a_copied_merchant_shares_no_mutable_state():
    merchant = Merchant.register(uuid4(), "Bistro", "GBP")
    merchant.collect_events()
    copied = copy_aggregate(merchant)
    copied.add_site("s1", "Main", "4057")
    assert copied.sites and not merchant.sites and merchant.pending_events == []
