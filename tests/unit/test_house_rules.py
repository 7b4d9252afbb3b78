"""The shape of the code a newcomer relies on: short modules, short class chains,
a domain without infrastructure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain.giftcard import GiftCard
from domain.ledger import Ledger
from service.store.ledger import StoredLedger

ROOT = Path(__file__).resolve().parents[2]
OURS = ("domain", "service", "projections", "scripts")


def own_classes(cls: type) -> list[str]:
    """Our own classes in a class's method resolution order."""
    return [k.__name__ for k in cls.__mro__ if k.__module__.split(".")[0] in OURS]


def test_class_chains_are_short():
    assert own_classes(GiftCard) == ["GiftCard", "GiftCardEvents"]
    assert own_classes(Ledger) == ["Ledger", "LedgerCore"]
    assert own_classes(StoredLedger) == ["StoredLedger", "Ledger", "LedgerCore"]


# The standalone proof checker is one file an auditor copies alone (stdlib and
# `cryptography` only): splitting it would make the auditor copy a package.
ONE_FILE_BY_DESIGN = {"scripts/check_proof.py"}


@pytest.mark.parametrize("folder", OURS)
def test_no_module_is_over_200_lines(folder: str):
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / folder).rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 200
    }
    assert set(long) <= ONE_FILE_BY_DESIGN, long


def test_modules_directly_in_service_are_few():
    assert len(list((ROOT / "service").glob("*.py"))) <= 10


def imported(path: Path) -> set[str]:
    """Every module a source file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_domain_imports_no_store_of_the_library():
    # import-linter cannot forbid a subpackage of an external package.
    stores = {"eventsourcing.postgres", "eventsourcing.sqlite", "eventsourcing.popo"}
    found = {
        path.name: imported(path) & stores for path in (ROOT / "domain").glob("*.py")
    }
    assert {name: mods for name, mods in found.items() if mods} == {}
