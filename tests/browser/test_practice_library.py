"""The practice library in a browser: write, publish, attach, another school tries it, print."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from nic.models import utcnow
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def setup_people() -> dict:
    tag = utcnow().strftime("%H%M%S%f")
    writer = make_user("Priya Raman", email=f"priya{tag}@example.org",
                       job_role="instructional_coach",
                       school=make_school(f"Lincoln Elementary {tag}"))  # fmt: skip
    peer = make_user("Olivia Grant", email=f"olivia{tag}@example.org",
                     school=make_school(f"Harbor View Elementary {tag}"))  # fmt: skip
    return {"writer": writer.email, "peer": peer.email, "tag": tag}


def test_write_publish_attach_try_and_print(live_server, new_page, tmp_path):
    people = live_server.run(setup_people)
    title = f"Data huddles every other Friday {people['tag']}"
    page = new_page(people["writer"])
    page.goto(live_server.url + "/practices/new")
    body = page.get_by_label("The write-up")
    expect(body).to_have_value(re.compile(r"## The problem of practice"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill("Twenty minutes, one exit ticket, one reteach move.")
    body.fill(
        body.input_value().replace("## What we did\n", "## What we did\n\nWe sort tickets.\n")
    )
    page.get_by_label("Data use", exact=True).check()
    page.get_by_label("Elementary", exact=True).check()
    page.get_by_label("Tags").fill("Data  Huddles, exit tickets")
    page.locator("main").get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Practice published.")).to_be_visible()
    practice_url = page.url

    pdf = tmp_path / "Huddle protocol.pdf"
    pdf.write_bytes(PDF)
    page.get_by_text("Attach a file").click()
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_label("Caption").fill("The protocol we post in the hallway")
    page.get_by_label("Kind").select_option("protocol")
    page.get_by_role("button", name="Attach the file").click()
    expect(page.get_by_role("link", name="Huddle protocol.pdf")).to_be_visible()

    peer = new_page(people["peer"])
    peer.goto(practice_url)
    expect(peer.get_by_text("Not tried by another school yet").first).to_be_visible()
    with peer.expect_download() as download:
        peer.get_by_role("link", name="Huddle protocol.pdf").click()
    assert download.value.suggested_filename == "Huddle protocol.pdf"
    peer.get_by_label("When your school tried it").fill(date.today().isoformat())
    peer.get_by_label("Adapted: we use it, changed to fit").check()
    peer.get_by_label("What you saw").fill("Teams brought work without being asked.")
    peer.get_by_role("button", name="Report the try").click()
    expect(peer.locator(".practice__tried")).to_have_text(
        re.compile(r"Tried in 1 school:\s+1 adapted")
    )

    # Printed on a phone-width page: the write-up and its evidence, none of the controls.
    phone = new_page(people["peer"], width=390)
    phone.goto(practice_url)
    phone.emulate_media(media="print")
    expect(phone.locator(".site-header")).to_be_hidden()
    expect(phone.get_by_role("button", name="Report the try")).to_be_hidden()
    expect(phone.get_by_role("heading", name="What we did")).to_be_visible()
    expect(phone.get_by_text("Harbor View Elementary")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
