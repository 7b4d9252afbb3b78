"""The app's JSON provider writes the very bytes Flask's default one writes."""

from __future__ import annotations

import datetime
import uuid

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import strategies as st

from service.http.json_provider import OneEncoderJSONProvider

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.uuids()
    | st.datetimes(timezones=st.just(datetime.UTC)),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


APPS: list[Flask] = []  # a provider holds its app by a weak reference


def providers(debug: bool = False) -> tuple[DefaultJSONProvider, DefaultJSONProvider]:
    app = Flask("json-test")
    APPS[:] = [app]
    app.debug = debug
    flask_own = DefaultJSONProvider(app)
    flask_own.sort_keys = False
    return OneEncoderJSONProvider(app), flask_own


@given(JSON)
def test_answers_and_dumps_match_flasks_own_bytes(value):
    ours, flasks = providers()
    with Flask("ctx").app_context():
        assert ours.response(value).get_data() == flasks.response(value).get_data()
    assert ours.dumps(value) == flasks.dumps(value)
    assert ours.dumps(value, indent=2) == flasks.dumps(value, indent=2)


def test_debug_answers_are_indented_as_flask_does():
    ours, flasks = providers(debug=True)
    value = {"id": uuid.UUID(int=7), "b": [1, 2]}
    with Flask("ctx").app_context():
        assert ours.response(value).get_data() == flasks.response(value).get_data()
        assert b"\n  " in ours.response(value).get_data()
