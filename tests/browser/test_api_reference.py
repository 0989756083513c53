"""The API reference in a browser: contents to jump from, schemas that open when linked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.api.conftest import OPERATIONS
from tests.browser.test_accessibility import audit

pytestmark = pytest.mark.browser


def test_the_reference_is_navigable_and_far_shorter(live_server, new_page):
    page = new_page(width=1280)
    page.goto(f"{live_server.url}/api/v1/docs")
    # One error table and folded examples and schemas: with 41 operations it was 36,789 px
    # tall, and the budget was 30,000 px. The API grows, so the budget is per operation.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height / len(OPERATIONS) < 30_000 / 41, height
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="POST /groups/{group_id}/threads").click()
    operation = page.locator("#op-post-api-v1-groups-group-id-threads")
    expect(operation).to_be_in_viewport()
    operation.get_by_text("Example request and response").click()
    expect(operation.locator("pre").first).to_contain_text('"title": "Exit tickets')
    operation.get_by_role("link", name="429").click()
    expect(page.locator("#error-429")).to_be_in_viewport()

    schema = page.locator("#schema-ThreadDetail")
    expect(schema).to_be_hidden()
    operation.get_by_role("link", name="ThreadDetail", exact=True).first.click()
    expect(schema).to_be_visible()  # a closed schema opens when a link leads to it
    assert audit(page) == []
    assert page.problems == []
