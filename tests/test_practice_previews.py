"""A post or write-up that links a practice shows its preview card, to readers who may see it."""

from __future__ import annotations

from nic.markup import linked_practice_ids, render_markdown
from tests.factories import make_group, make_practice, make_reply, make_thread, make_user


def test_links_are_found_in_the_rendered_text_for_this_site_only():
    html = render_markdown(
        "See [ours](/practices/3) and https://nic.example.org/practices/7?tab=tries, "
        "not https://elsewhere.org/practices/9 nor `/practices/4` in code; /practices/3 again."
    )
    assert linked_practice_ids(html, {"nic.example.org"}) == [3, 7]


def test_a_post_linking_practices_shows_the_cards_its_reader_may_see(app, login):
    writer, reader = make_user("Maria Lopez"), make_user("Priya Raman")
    private_group = make_group("ILT Leads", visibility="private", members=[writer])
    open_group = make_group("Principals' Circle", members=[writer, reader])
    shared = make_practice(writer, "Data huddles every other Friday")
    hidden = make_practice(writer, "ILT agendas from student work", group=private_group)
    thread = make_thread(open_group, writer, "Huddles", f"We started from /practices/{shared.id}.")
    make_reply(thread, writer, f"Links: [one](/practices/{shared.id}) and "
                               f"[two](http://localhost/practices/{hidden.id}).")  # fmt: skip
    page = login(reader).get(f"/threads/{thread.id}").text
    assert page.count('class="practice-preview"') == 2  # the shared one, under each post
    assert "Data huddles every other Friday" in page and "Not tried by another school yet" in page
    assert "ILT agendas from student work" not in page  # a plain link, never the title
    writer_page = login(writer).get(f"/threads/{thread.id}").text
    assert "ILT agendas from student work" in writer_page


def test_a_thread_page_without_links_runs_no_more_queries(app, login, count_queries):
    writer = make_user("Maria Lopez")
    group = make_group("Principals' Circle", members=[writer])
    plain = make_thread(group, writer, "Plain", "No links here.")
    linked = make_thread(group, writer, "Linked",
                         f"See /practices/{make_practice(writer).id}.")  # fmt: skip
    client = login(writer)
    for thread in (plain, linked):
        client.get(f"/threads/{thread.id}")
    with count_queries() as without:
        client.get(f"/threads/{plain.id}")
    with count_queries() as with_links:
        client.get(f"/threads/{linked.id}")
    assert with_links.count == without.count + 1  # one query for every linked practice


def test_a_write_up_linking_another_practice_shows_its_card(app, login):
    writer = make_user("Maria Lopez")
    first = make_practice(writer, "Data huddles every other Friday")
    second = make_practice(
        writer, "Reteach plans", body=f"Builds on [huddles](/practices/{first.id})."
    )
    page = login(make_user("Reader")).get(f"/practices/{second.id}").text
    assert 'class="practice-preview"' in page and "Data huddles every other Friday" in page
