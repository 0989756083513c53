"""Registration limited to the districts' domains, off by default in production, and an
invitation as the way in for everyone else."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa

from nic.config import ConfigError, load_config
from nic.extensions import db
from nic.models import User
from nic.services import addresses, invitations
from tests.factories import make_group, make_user
from tests.test_invitations import accept_form, last_link


def register(client, email: str):
    return client.post_form(
        "/register",
        {"name": "Rae Register", "email": email, "password": "a long enough password",
         "job_role": "principal", "school_id": "", "time_zone": "America/New_York"},
    )  # fmt: skip


def test_production_registration_is_off_unless_set(monkeypatch, tmp_path):
    for name in ("NIC_OPEN_REGISTRATION", "NIC_REGISTRATION_DOMAINS", "NIC_INVITATION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    config = load_config(tmp_path)
    assert config["NIC_OPEN_REGISTRATION"] is False
    assert config["NIC_REGISTRATION_DOMAINS"] == [] and config["NIC_INVITATION_DAYS"] == 7
    monkeypatch.setenv("NIC_OPEN_REGISTRATION", "on")
    monkeypatch.setenv("NIC_REGISTRATION_DOMAINS", " Riverside.K12.org, @b.org ,, b.org")
    monkeypatch.setenv("NIC_INVITATION_DAYS", "14")
    config = load_config(tmp_path)
    assert config["NIC_OPEN_REGISTRATION"] is True
    assert config["NIC_REGISTRATION_DOMAINS"] == ["riverside.k12.org", "b.org"]
    assert config["NIC_INVITATION_DAYS"] == 14


@pytest.mark.parametrize(
    ("name", "value"),
    [("NIC_REGISTRATION_DOMAINS", "a.org, maria@b.org"), ("NIC_REGISTRATION_DOMAINS", "nodot"),
     ("NIC_INVITATION_DAYS", "0"), ("NIC_INVITATION_DAYS", "a week")],
)  # fmt: skip
def test_bad_settings_are_named(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path)
    assert name in str(refused.value)


@pytest.mark.parametrize(
    ("domains", "message"),
    [(["a.org"], "Use your district email address: @a.org."),
     (["a.org", "b.org"], "Use your district email address: @a.org or @b.org."),
     (["a.org", "b.org", "c.org"], "Use your district email address: @a.org, @b.org or @c.org.")],
)  # fmt: skip
def test_an_address_outside_the_domains_cannot_register(app, client, domains, message):
    app.config["NIC_REGISTRATION_DOMAINS"] = domains
    refused = register(client, "rae@gmail.com")
    assert refused.status_code == 400
    body = unescape(refused.get_data(as_text=True))
    assert message in body and 'value="rae@gmail.com"' in body and 'value="Rae Register"' in body
    assert db.session.scalar(sa.select(User)) is None
    assert register(client, "rae@sub.a.org").status_code == 400  # a subdomain is another
    assert register(client, "Rae@A.org").status_code == 302
    assert db.session.scalar(sa.select(User.email)) == "rae@a.org"


def test_an_address_with_an_account_outside_the_domains_is_refused_alike(app, client):
    make_user(email="taken@gmail.com")
    app.config["NIC_REGISTRATION_DOMAINS"] = ["a.org"]
    assert register(client, "taken@gmail.com").status_code == 400
    assert register(client, "fresh@gmail.com").status_code == 400


def test_no_domains_means_any_domain(app, client):
    assert addresses.registration_domains() == []
    assert register(client, "rae@anywhere.example").status_code == 302


def test_an_invitation_lets_in_an_address_outside_the_domains(app, client):
    app.config["NIC_REGISTRATION_DOMAINS"] = ["a.org"]
    app.config["NIC_OPEN_REGISTRATION"] = False
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    group = make_group("University partners", facilitator=facilitator)
    invitations.invite(facilitator, "professor@university.edu", group.id)
    assert client.get("/register").status_code == 404
    assert client.post_form(last_link(app), accept_form("Pat Professor")).status_code == 302
    assert db.session.scalar(sa.select(User).where(User.email == "professor@university.edu"))
