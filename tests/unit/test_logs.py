"""Card codes are bearer secrets: logs show only their last four characters."""

from __future__ import annotations

import json
import logging

from service.logs import JsonFormatter, mask_path


def test_card_codes_in_paths_are_masked():
    assert mask_path("/v1/pos/cards/7741229000510001") == "/v1/pos/cards/****0001"
    assert (
        mask_path("/v1/merchants/m1/cards/7741229000510001/adjustments")
        == "/v1/merchants/m1/cards/****0001/adjustments"
    )
    assert mask_path("/v1/merchants/m1/cards") == "/v1/merchants/m1/cards"
    assert mask_path("/v1/pos/holds/abc/capture") == "/v1/pos/holds/abc/capture"


def test_log_lines_are_json_with_their_fields():
    record = logging.LogRecord(
        "giftledger.access", logging.INFO, "", 0, "request", (), None
    )
    record.fields = {"request_id": "r1", "status": 201}
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "request"
    assert line["request_id"] == "r1"
    assert line["status"] == 201
