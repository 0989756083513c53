"""What names an installation in a shared Redis (its rooms, presence and rate limits)."""

from __future__ import annotations

from nic.realtime.installation import installation_scope, queue_channel


def scope(url: str) -> str:
    return installation_scope({"SQLALCHEMY_DATABASE_URI": url})


def test_each_database_is_its_own_installation():
    one = "postgresql+psycopg://nic:secret@db.example.org/network_a"
    assert scope(one) == scope(one)
    assert scope(one) != scope("postgresql+psycopg://nic:secret@db.example.org/network_b")
    assert scope("sqlite:////srv/a/nic.sqlite3") != scope("sqlite:////srv/b/nic.sqlite3")


def test_a_new_database_password_keeps_the_installation():
    old = "postgresql+psycopg://nic:old-password@db.example.org/network_a"
    new = "postgresql+psycopg://nic:new-password@db.example.org/network_a"
    assert scope(old) == scope(new)
    assert "password" not in queue_channel({"SQLALCHEMY_DATABASE_URI": old})
