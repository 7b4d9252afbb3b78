"""The chain's arithmetic: event records, links and the Merkle tree over links.

Pure functions on bytes (hashlib only); docs/tamper-evidence.md specifies each
encoding, and scripts/check_proof.py re-implements them without this package.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from uuid import UUID

GENESIS = bytes(32)
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
_U64 = struct.Struct(">Q")
_U32 = struct.Struct(">I")
_RECORD_HEAD = struct.Struct(">Q16sQI")  # position, originator id, version, len


def encode_record(
    position: int, originator_id: UUID | str, version: int, topic: str, state: bytes
) -> bytes:
    """One stored event as the chain hashes it (fixed-width and length-prefixed)."""
    if isinstance(originator_id, UUID):
        id_bytes = originator_id.bytes
    else:  # SQLite's recorder gives text; fromhex is 10x cheaper than UUID()
        id_bytes = bytes.fromhex(originator_id.replace("-", ""))
        if len(id_bytes) != 16:
            raise ValueError(f"not a UUID: {originator_id!r}")
    topic_bytes = topic.encode("utf-8")
    head = _RECORD_HEAD.pack(position, id_bytes, version, len(topic_bytes))
    return head + topic_bytes + _U32.pack(len(state)) + state


def next_link(previous: bytes, record: bytes) -> bytes:
    """link(n) = SHA-256(link(n-1) || record(n)); link(0) is 32 zero bytes."""
    return hashlib.sha256(previous + record).digest()


_LEAF = struct.Struct(">cQ32s")


def leaf_hash(position: int, link: bytes) -> bytes:
    """A Merkle leaf: SHA-256(0x00 || u64 position || link)."""
    return hashlib.sha256(_LEAF.pack(LEAF_PREFIX, position, link)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An inner Merkle node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class Frontier:
    """The RFC 6962 tree root over leaves added one at a time, in O(log n) memory.

    Keeps the roots of the perfect subtrees (largest first) that make up the tree
    so far; the root of any size is those folded from the right.
    """

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[tuple[int, bytes]] = []

    def add(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        self.size += 1
        height, node = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            _, left = self.stack.pop()
            height, node = height + 1, node_hash(left, node)
        self.stack.append((height, node))

    def root(self) -> bytes:
        """The tree head of the leaves so far (SHA-256 of nothing when empty)."""
        if not self.stack:
            return hashlib.sha256(b"").digest()
        node = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            node = node_hash(left, node)
        return node


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def tree_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of a complete binary tree over the leaves (a lone node is lifted).

    For RFC 6962 trees a lone right node is carried up unchanged, which gives the
    same root and audit paths as the recursive definition.
    """
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2:
            above.append(below[-1])
        levels.append(above)
    return levels


def audit_path(levels: list[list[bytes]], index: int) -> list[bytes]:
    """The sibling hashes from leaf `index` up to the root (RFC 6962 order)."""
    path = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index //= 2
    return path


def root_from_path(index: int, size: int, leaf: bytes, path: Iterable[bytes]) -> bytes:
    """The root an audit path leads to (RFC 9162 section 2.1.3.2)."""
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            raise ValueError("audit path is longer than the tree")
        if fn % 2 == 1 or fn == sn:
            node = node_hash(sibling, node)
            while fn % 2 == 0 and fn != 0:
                fn //= 2
                sn //= 2
        else:
            node = node_hash(node, sibling)
        fn //= 2
        sn //= 2
    if sn != 0:
        raise ValueError("audit path is shorter than the tree")
    return node
