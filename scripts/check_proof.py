#!/usr/bin/env python3
"""Check a giftledger proof alone: `python check_proof.py proof.json --public-key KEY`.

Standard library and `cryptography` only, nothing else of giftledger: copy this one
file. It checks the checkpoint's Ed25519 signature, that the signed link is the
tree's last leaf, that every event is in the signed tree at its position, that each
card's versions follow on, then recomputes every card's balance from the events
and prints the balances and the liability as of the checkpoint. Exit 0 when all
holds; otherwise exit 1 with one line per reason. The scheme: docs/tamper-evidence.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import struct
import sys
from collections import defaultdict
from hashlib import sha256
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "giftledger-proof-v1"
CARD_TOPICS = ("domain.giftcard:", "domain.giftcard_events:")
# What a money event does to a card: (amount times this to the balance, to held).
MOVES = {"Issued": (1, 0), "Loaded": (1, 0), "RedemptionRefunded": (1, 0),
         "LoadReversed": (-1, 0), "Redeemed": (-1, 0), "HoldPlaced": (0, 1),
         "HoldCaptured": (-1, -1), "HoldReleased": (0, -1)}  # fmt: skip
STATES = {"Blocked": "blocked", "Unblocked": "active", "Voided": "voided",
          "Expired": "expired"}  # fmt: skip
Event = dict[str, Any]
Cards = dict[str, dict[str, Any]]


class Failed(Exception):
    """The proof does not hold."""


def record(e: Event, state: bytes) -> bytes:
    topic: bytes = e["topic"].encode("utf-8")
    card = UUID(e["originator_id"]).bytes
    head = struct.pack(">Q16sQI", e["position"], card, e["version"], len(topic))
    return head + topic + struct.pack(">I", len(state)) + state


def leaf(position: int, link: bytes) -> bytes:
    return sha256(b"\x00" + struct.pack(">Q", position) + link).digest()


def root_from_path(index: int, size: int, node: bytes, path: list[str]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root an audit path leads to."""
    if not 0 <= index < size:
        raise Failed(f"leaf index {index} is outside a tree of {size}")
    fn, sn = index, size - 1
    for sibling in map(bytes.fromhex, path):
        if sn == 0:
            raise Failed("an audit path is longer than the tree")
        if fn % 2 == 1 or fn == sn:
            node = sha256(b"\x01" + sibling + node).digest()
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            node = sha256(b"\x01" + node + sibling).digest()
        fn, sn = fn // 2, sn // 2
    if sn != 0:
        raise Failed("an audit path is shorter than the tree")
    return node


def check_signature(cp: dict[str, Any], key_path: str) -> None:
    key = serialization.load_pem_public_key(Path(key_path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise Failed(f"{key_path} is not an Ed25519 public key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if cp["key_id"] != sha256(raw).hexdigest():
        raise Failed("the checkpoint was signed by another key")
    message = (
        "giftledger-checkpoint-v1\n"
        f"position={cp['position']}\nlink={cp['link']}\ntree_size={cp['tree_size']}\n"
        f"root={cp['root']}\nsigned_at={cp['signed_at']}\nkey_id={cp['key_id']}\n"
    ).encode("ascii")
    try:
        key.verify(bytes.fromhex(cp["signature"]), message)
    except (InvalidSignature, ValueError):
        raise Failed("the checkpoint's signature does not verify") from None


def check_inclusion(proof: dict[str, Any], problems: list[str]) -> list[Event]:
    """Every event's link is a leaf of the signed tree; returns the decoded events."""
    cp, head = proof["checkpoint"], proof["head"]
    size, root = cp["tree_size"], bytes.fromhex(cp["root"])
    top = leaf(cp["position"], bytes.fromhex(cp["link"]))
    if head["index"] != size - 1 or head["position"] != cp["position"]:
        problems.append("the head is not the tree's last leaf")
    elif root_from_path(size - 1, size, top, head["path"]) != root:
        problems.append("the signed link is not the last leaf of the signed tree")
    decoded, last = [], (-1, 0)
    for e in proof["events"]:
        where = f"event at position {e['position']}"
        state = base64.b64decode(e["state"], validate=True)
        if e["index"] is None or e["previous_link"] is None:
            problems.append(f"{where}: not in the checkpoint's tree (inserted?)")
            continue
        link = sha256(bytes.fromhex(e["previous_link"]) + record(e, state)).digest()
        node = leaf(e["position"], link)
        try:
            reached = root_from_path(e["index"], size, node, e["path"])
        except Failed as error:
            problems.append(f"{where}: {error}")
            continue
        if reached != root or e["position"] > cp["position"]:
            problems.append(f"{where}: not in the signed tree (changed or moved)")
            continue
        if (e["index"], e["position"]) <= last:
            problems.append(f"{where}: out of log order")
        last = (e["index"], e["position"])
        decoded.append({**e, "data": json.loads(state)})
    return decoded


def value(v: Any) -> Any:
    """Undo the event store's JSON types that matter here (UUIDs)."""
    if isinstance(v, dict) and v.get("_type_") == "uuid_hex":
        return str(UUID(v["_data_"]))
    return v


def fold(merchant: str, events: list[Event], problems: list[str]) -> Cards:
    """Each card's balance, held amount and state, recomputed from its events."""
    cards: Cards = {}
    for e in events:
        if not e["topic"].startswith(CARD_TOPICS):
            problems.append(f"position {e['position']}: not a card event")
            continue
        name = e["topic"].rsplit(".", 1)[1]
        data, card_id = e["data"], e["originator_id"]
        card = cards.get(card_id)
        if card is None:
            if name == "Issued" and value(data["merchant_id"]) != merchant:
                problems.append(f"card {card_id}: issued by another merchant")
            card = cards[card_id] = {
                "masked_code": data.get("masked_code", "?"),
                "currency": data.get("currency", "?"),
                "balance": 0, "held": 0, "state": "active",
                "from_version": e["version"], "version": e["version"] - 1,
            }  # fmt: skip
        if e["version"] != card["version"] + 1:
            problems.append(
                f"card {card_id}: version {card['version'] + 1} is missing "
                f"before position {e['position']}"
            )
        card["version"] = e["version"]
        amount = data.get("amount", 0)
        if not isinstance(amount, int):
            problems.append(f"position {e['position']}: amount is not an integer")
            continue
        if name in MOVES:
            to_balance, to_held = MOVES[name]
            card["balance"] += to_balance * amount
            card["held"] += to_held * amount
        elif name == "Adjusted":
            card["balance"] += amount if data["direction"] == "credit" else -amount
        elif name == "Voided":
            card["balance"] -= data["forfeited"]
        elif name not in STATES:
            problems.append(f"position {e['position']}: unknown card event {name}")
        card["state"] = STATES.get(name, card["state"])
    return cards


def report(proof: dict[str, Any], cards: Cards, problems: list[str]) -> None:
    cp = proof["checkpoint"]
    print(f"merchant {proof['merchant_id']}, checkpoint at position {cp['position']} "
          f"signed {cp['signed_at']}, {len(proof['events'])} events")  # fmt: skip
    liability: dict[str, int] = defaultdict(int)
    for card_id, card in sorted(cards.items()):
        claimed = proof.get("ledger_balances", {}).get(card_id)
        if card["from_version"] != 1:
            start = card["from_version"]
            print(f"{card['masked_code']}  {card_id}  from version {start}: "
                  "no opening balance in this proof")  # fmt: skip
            continue
        if claimed is not None and claimed["balance"] != card["balance"]:
            problems.append(
                f"card {card_id}: the ledger says {claimed['balance']}, "
                f"the events {card['balance']}"
            )
        liability[card["currency"]] += card["balance"]
        print(f"{card['masked_code']}  {card_id}  {card['currency']}  balance "
              f"{card['balance']}  held {card['held']}  {card['state']}  "
              f"version {card['version']}")  # fmt: skip
    for currency, amount in sorted(liability.items()):
        print(f"liability {currency} {amount} (minor units)")


def check(proof_path: str, key_path: str) -> tuple[Cards, list[str]]:
    """(each card's recomputed state, every problem found); prints the balances."""
    problems: list[str] = []
    cards: Cards = {}
    try:
        proof = json.loads(Path(proof_path).read_text(encoding="utf-8"))
        if proof.get("format") != FORMAT:
            raise Failed(f"not a {FORMAT} document")
        check_signature(proof["checkpoint"], key_path)
        events = check_inclusion(proof, problems)
        cards = fold(proof["merchant_id"], events, problems)
        report(proof, cards, problems)
    except (Failed, OSError, ValueError, KeyError, TypeError) as error:
        problems.append(f"{type(error).__name__}: {error}")
    return cards, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("proof")
    parser.add_argument("--public-key", required=True, help="the Ed25519 public PEM")
    args = parser.parse_args(argv)
    _, problems = check(args.proof, args.public_key)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("OK: signature, every inclusion and every balance check")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
