"""Card codes are bearer secrets: logs show only their last four characters."""

from __future__ import annotations

import json
import logging

from service.http.logs import JsonFormatter, mask_path

WORDS = {"v1", "pos", "cards", "merchants", "adjustments", "holds", "capture"}
MERCHANT = "0b8f9a52-3f5e-4a55-9d47-1f0f8c1b2e3d"


def test_card_codes_in_paths_are_masked():
    assert (
        mask_path("/v1/pos/cards/7741229000510001", WORDS) == "/v1/pos/cards/****0001"
    )
    assert (
        mask_path("/v1/merchants/m1/cards/7741229000510001/adjustments", WORDS)
        == "/v1/merchants/m1/cards/****0001/adjustments"
    )
    assert mask_path("/v1/merchants/m1/cards", WORDS) == "/v1/merchants/m1/cards"
    assert mask_path("/v1/pos/holds/abc/capture", WORDS) == "/v1/pos/holds/abc/capture"


def test_ids_and_route_words_are_kept_whole():
    path = f"/v1/merchants/{MERCHANT}/cards"
    assert mask_path(path, WORDS) == path


def test_anything_that_could_be_a_code_is_masked_in_a_mistyped_path():
    assert mask_path("/v1/pos/Cards/7741229000510001", WORDS) == (
        "/v1/pos/****ards/****0001"
    )
    assert mask_path("/v1/pos/card/NEWLINE1", WORDS) == "/v1/pos/card/****INE1"
    assert mask_path("/v2/giftcards/7741229000510001/x", WORDS) == (
        "/v2/****ards/****0001/x"
    )
    # An id-shaped code right after a card segment is a code all the same.
    assert mask_path(f"/v1/pos/cards/{MERCHANT}", WORDS) == "/v1/pos/cards/****2e3d"


def test_log_lines_are_json_with_their_fields():
    record = logging.LogRecord(
        "giftledger.access", logging.INFO, "", 0, "request", (), None
    )
    record.fields = {"request_id": "r1", "status": 201}
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "request"
    assert line["request_id"] == "r1"
    assert line["status"] == 201
