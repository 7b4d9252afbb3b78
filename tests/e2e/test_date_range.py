"""Every date the API accepts lies in years 2000-2199 (UTC, after its offset).

Each date field at both ends of the range and just outside: inside is accepted,
outside is a 400 invalid_request naming the field, and nothing is written. The
two moments of the report (year 0 and year 10000 once in UTC) included.
"""

from __future__ import annotations

import pytest

from tests.e2e.support import PLATFORM, created, issue_card

POISON = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
# Inside the range, whatever the offset says.
INSIDE = [
    "2000-01-01T00:00:00Z",
    "2000-01-01T00:00:00-14:00",
    "2199-12-31T23:59:59.999999Z",
    "2200-01-01T13:59:59.999999+14:00",
    "2199-12-31T23:59:59",  # no zone: UTC (query parameters only)
]
OUTSIDE = [
    "1999-12-31T23:59:59.999999Z",
    "2000-01-01T00:00:00+00:01",
    "2200-01-01T00:00:00Z",
    "2199-12-31T23:59:59-00:01",
    "2199-12-31T10:00:00.000001-14:00",
    *POISON,
]


def refused(answer, field: str) -> None:
    assert answer.status_code == 400, (answer.status_code, answer.json)
    assert answer.json["code"] == "invalid_request"
    assert list(answer.json["errors"]) == [field]
    assert "2000-01-01" in answer.json["errors"][field][0]


@pytest.mark.parametrize("moment", OUTSIDE)
def test_card_expiry_outside_the_range_is_refused_and_writes_nothing(
    client, merchant, moment
):
    body = {"amount": 100, "currency": "GBP", "code": "RANGE-01", "expires_at": moment}
    refused(
        client.post(f"{merchant.path}/cards", json=body, headers=PLATFORM), "expires_at"
    )
    missing = client.get(f"{merchant.path}/cards/RANGE-01", headers=PLATFORM)
    assert missing.status_code == 404


def test_card_expiry_at_the_ends_of_the_range(client, merchant, clock):
    url = f"{merchant.path}/cards"
    for n, moment in enumerate(INSIDE[2:4]):  # the upper ends, with a zone
        body = {"amount": 100, "currency": "GBP", "code": f"END-{n:04d}",
                "expires_at": moment}  # fmt: skip
        created(client.post(url, json=body, headers=PLATFORM))
    # The lower end of an expiry is the clock: now itself is refused (born
    # expired), a microsecond later is accepted.
    now = clock().isoformat()
    body = {"amount": 100, "currency": "GBP", "code": "NOW-0001", "expires_at": now}
    answer = client.post(url, json=body, headers=PLATFORM)
    assert answer.status_code == 400 and list(answer.json["errors"]) == ["expires_at"]
    assert client.get(f"{url}/NOW-0001", headers=PLATFORM).status_code == 404
    later = clock().replace(microsecond=1).isoformat()
    created(client.post(url, json={**body, "expires_at": later}, headers=PLATFORM))


@pytest.mark.parametrize("field", ["since", "until"])
def test_activity_bounds(client, merchant, field):
    code = issue_card(client, merchant, code="ACTIVITY1")
    url = f"{merchant.path}/cards/{code}/activity"
    for moment in INSIDE:
        answer = client.get(url, query_string={field: moment}, headers=merchant.admin)
        assert answer.status_code == 200, (moment, answer.json)
    for moment in OUTSIDE:
        answer = client.get(url, query_string={field: moment}, headers=merchant.admin)
        refused(answer, field)


def test_liability_bounds(client, merchant):
    issue_card(client, merchant, code="LIABLE-1")
    url = f"{merchant.path}/liability"
    for moment in INSIDE:
        answer = client.get(url, query_string={"as_of": moment}, headers=merchant.admin)
        assert answer.status_code == 200, (moment, answer.json)
    for moment in OUTSIDE:
        answer = client.get(url, query_string={"as_of": moment}, headers=merchant.admin)
        refused(answer, "as_of")
