from tests.factories import make_group, make_thread, make_user


def test_pages_render(client, login):
    user = make_user("Maria Lopez")
    group = make_group(members=[user])
    thread = make_thread(group, user)
    login(user)
    for url in [
        "/",
        "/groups/",
        f"/groups/{group.id}",
        f"/threads/{thread.id}",
        "/directory",
        f"/u/{user.username}",
        "/settings/profile",
        f"/groups/{group.id}/members",
        f"/groups/{group.id}/threads/new",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
