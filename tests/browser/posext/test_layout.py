"""Touch targets of at least 44 px, and room left for the on-screen keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.posext.conftest import SIZES
from tests.browser.posext.steps import amount, choose, confirm, type_card

TARGETS = "button:visible, input:visible, select:visible"


def small_targets(page) -> list[str]:
    return page.eval_on_selector_all(
        TARGETS,
        "els => els.map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])"
        ".filter(([, r]) => r.width < 44 || r.height < 44).map(([n]) => n)",
    )


def test_every_target_is_at_least_44_px_and_the_keyboard_hides_nothing(
    open_till, shop, size
):
    code = shop.card(5000)
    till = open_till(left_to_pay=2000)
    expect(till.page.get_by_role("button", name="Redeem")).to_be_visible()
    assert small_targets(till.page) == []
    choose(till, "Redeem")
    assert small_targets(till.page) == []
    type_card(till, code)
    expect(confirm(till)).to_be_visible()
    assert small_targets(till.page) == []
    width, height = SIZES[size]
    till.page.set_viewport_size({"width": width, "height": height - 330})  # keyboard
    amount(till).focus()
    expect(amount(till)).to_be_in_viewport()
    confirm(till).scroll_into_view_if_needed()
    expect(confirm(till)).to_be_in_viewport()
    till.shot("14-keyboard")
