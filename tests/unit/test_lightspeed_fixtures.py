"""The repository's copies of the Lightspeed samples are the shared files, unchanged."""

from __future__ import annotations

import hashlib
import json

from tests.lightspeed_support import FIXTURE_SAMPLES, SHARED_SAMPLES


def _digests(folder) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.glob("*.json"))
    }


def test_the_fixture_copies_are_byte_identical_to_the_shared_samples():
    copies = _digests(FIXTURE_SAMPLES)
    assert len(copies) == 5
    for path in FIXTURE_SAMPLES.glob("*.json"):
        assert isinstance(json.loads(path.read_bytes()), dict)
    if SHARED_SAMPLES.is_dir():  # beside the repository, as in CI
        assert copies == _digests(SHARED_SAMPLES)
