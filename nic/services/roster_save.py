"""Saving a roster plan: bulk statements, a fixed number of them whatever its size.

Each kind is written in order (districts, then schools, then people and the groups they
join), new rows by one executemany `INSERT ... ON CONFLICT` (nic.services.upsert) and
changed rows by one executemany UPDATE by primary key; each step reads back the ids the
next needs in one query. The caller holds the write transaction and commits.

New accounts get one password hash per import, of a random secret nobody is told: they
cannot sign in until a password is set (by an invitation, or "Forgot password"). Their
address counts as unconfirmed until they open a link mailed to it.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from nic.extensions import db
from nic.models import District, Group, GroupRole, Membership, School, User, utcnow
from nic.services import handles, read_state, search_documents
from nic.services.accounts import hash_password, username_stem
from nic.services.roster_changes import Change, Plan
from nic.services.roster_network import Network, SchoolKey
from nic.services.upsert import insert_each_missing, upsert_each
from nic.timezones import DEFAULT_ZONE


def _low(key: SchoolKey) -> tuple[str, str]:
    return (key[0].lower(), key[1].lower())


def _update_by_id(model: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE of the rows (each with its `id` and the same columns)."""
    if rows:
        db.session.execute(sa.update(model), rows)


def _of(changes: list[Change], action: str) -> list[Change]:
    return [c for c in changes if c.action == action]


def _save_districts(plan: Plan) -> dict[str, int]:
    now = utcnow()
    created = [
        {"name": c.values["name"], "external_id": c.values.get("external_id"), "created_at": now}
        for c in _of(plan.districts, "create")
    ]
    if created:
        upsert_each(District, created, ["name"], ["external_id"])
    _update_by_id(
        District,
        [
            {"id": c.id, "name": c.values["name"], "external_id": c.values["external_id"]}
            for c in _of(plan.districts, "update")
        ],
    )
    if not plan.districts and not plan.schools:
        return {}
    return {
        name.lower(): id_ for id_, name in db.session.execute(sa.select(District.id, District.name))
    }


def _save_schools(plan: Plan, districts: dict[str, int]) -> None:
    now = utcnow()

    def row(change: Change) -> dict[str, Any]:
        return {
            "name": change.values["name"],
            "external_id": change.values["external_id"],
            "district_id": districts[change.values["district"].lower()],
        }

    created = [{**row(c), "created_at": now} for c in _of(plan.schools, "create")]
    if created:
        upsert_each(School, created, ["district_id", "name"], ["external_id"])
    _update_by_id(School, [{"id": c.id, **row(c)} for c in _of(plan.schools, "update")])


def _school_ids() -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        sa.select(School.id, District.name, School.name).join(School.district)
    )
    return {(district.lower(), name.lower()): id_ for id_, district, name in rows}


def _usernames(names: list[str]) -> list[str]:
    """A free handle for each new person, unlike every username and group slug (one read)."""
    handles_now = sa.union_all(sa.select(User.username.label("handle")), sa.select(Group.slug))
    taken = set(db.session.scalars(handles_now))
    found = []
    for name in names:
        handle = handles.first_free(username_stem(name), taken)
        taken.add(handle)
        found.append(handle)
    return found


def _person_row(change: Change, schools: dict[tuple[str, str], int]) -> dict[str, Any]:
    key = change.values["school"]
    return {
        "name": change.values["name"],
        "job_role": change.values["job_role"],
        "school_id": schools[_low(key)] if key else None,
        "search_text": search_documents.person_text_of(
            change.values["name"], change.values["job_role"], key
        ),
    }


def _save_people(plan: Plan, network: Network, schools: dict[tuple[str, str], int]) -> None:
    new = _of(plan.people, "create")
    if new:
        unusable = hash_password(secrets.token_urlsafe(32))
        now = utcnow()
        rows = [
            {
                **_person_row(c, schools),
                "email": c.key,
                "username": username,
                "password_hash": unusable,
                "bio": "",
                "time_zone": DEFAULT_ZONE,
                "is_admin": False,
                "is_active_account": True,
                "created_at": now,
                "email_confirmed_at": None,
            }
            for c, username in zip(new, _usernames([c.values["name"] for c in new]), strict=True)
        ]
        upsert_each(User, rows, ["email"], ["name", "job_role", "school_id", "search_text"])
    changed = {
        c.id: {"id": c.id, **_person_row(c, schools)}
        for c in _of(plan.people, "update")
        if set(c.changes) - {"groups"}
    }
    _refresh_search(plan, network, changed)
    _update_by_id(User, list(changed.values()))
    _join_groups(plan)


def _refresh_search(plan: Plan, network: Network, changed: dict[int, dict[str, Any]]) -> None:
    """People of a school renamed or moved (or of a district renamed): their search text
    names the school as it is now."""
    district_names = {
        c.changes["name"][0]: c.changes["name"][1]
        for c in plan.districts
        if c.action == "update" and "name" in c.changes
    }
    renamed = {c.id for c in plan.schools if c.action == "update"}
    renamed |= {s.id for s in network.schools if s.district in district_names}
    for person in network.users.values():
        school = network.final_school(person.school_id) if person.school_id in renamed else None
        if school is None or person.id in changed:
            continue
        key = (district_names.get(school.district, school.district), school.name)
        changed[person.id] = {
            "id": person.id,
            "name": person.name,
            "job_role": person.job_role,
            "school_id": person.school_id,
            "search_text": search_documents.person_text_of(person.name, person.job_role, key),
        }


def _join_groups(plan: Plan) -> None:
    joining = [c for c in plan.people if c.values.get("join")]
    if not joining:
        return
    ids = dict(
        db.session.execute(
            sa.select(User.email, User.id).where(User.email.in_([c.key for c in joining]))
        ).all()
    )
    group_ids = sorted({g for c in joining for g in c.values["join"]})
    read = read_state.read_in_groups([c.id for c in joining if c.id is not None], group_ids)
    now = utcnow()
    rows = [
        {
            "group_id": g,
            "user_id": ids[c.key],
            "role": GroupRole.MEMBER.value,
            "joined_at": now,
            "read_count": read.get((ids[c.key], g), 0),
        }
        for c in joining
        for g in c.values["join"]
    ]
    insert_each_missing(Membership, rows, ["group_id", "user_id"])


def save_plan(plan: Plan, network: Network) -> None:
    """Write a plan without errors (the caller checked) in the caller's transaction."""
    districts = _save_districts(plan)
    if plan.schools:
        _save_schools(plan, districts)
    schools = _school_ids() if plan.people else {}
    _save_people(plan, network, schools)
