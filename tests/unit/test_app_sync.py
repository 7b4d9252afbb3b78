"""The app remembers which hooks and views are synchronous (service/app.py)."""

from __future__ import annotations

from service.app import GiftLedgerFlask


def test_a_plain_function_is_itself_and_remembered():
    app = GiftLedgerFlask("t")

    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view
    assert app._synchronous == {view: view}
    assert app.ensure_sync(view) is view


def test_a_coroutine_function_is_never_taken_for_a_plain_one():
    app = GiftLedgerFlask("t")

    async def view() -> str:
        return "ok"

    for _ in range(2):  # the second time from the memory, the same answer
        try:
            wrapped = app.ensure_sync(view)
        except RuntimeError as missing:  # Flask's async extra is not installed
            assert "async" in str(missing)
        else:
            assert wrapped is not view
            assert wrapped() == "ok"
    assert view not in app._synchronous or app._synchronous[view] is not view
