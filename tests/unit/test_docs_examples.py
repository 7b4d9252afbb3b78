"""The README and docs/ stand on their own: every link resolves inside the clone.

A new user has only the clone: no link may leave it (`../shared/...` did), and the
sample payloads the docs post are the very files the tests use.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FILE_ARG = re.compile(r"@([\w./-]+\.json)")


def test_no_document_points_outside_the_repository():
    for doc in DOCS:
        text = doc.read_text()
        assert "../shared" not in text, doc
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = (doc.parent / target.split("#", 1)[0]).resolve()
            assert path.is_relative_to(ROOT), f"{doc.name}: {target} leaves the repo"
            assert path.exists(), f"{doc.name}: {target} does not exist"


def test_every_payload_a_document_posts_is_in_the_repository():
    posted = [p for doc in DOCS for p in FILE_ARG.findall(doc.read_text())]
    assert "docs/examples/lightspeed/rtn-giftcard-sale-close.json" in posted
    for path in posted:
        assert (ROOT / path).is_file(), path


def test_the_sample_payloads_are_the_test_fixtures():
    examples = ROOT / "docs" / "examples" / "lightspeed"
    fixtures = ROOT / "tests" / "fixtures" / "lightspeed"
    names = sorted(p.name for p in fixtures.glob("*.json"))
    assert names == sorted(p.name for p in examples.glob("*.json"))
    for name in names:
        assert (examples / name).read_bytes() == (fixtures / name).read_bytes(), name
