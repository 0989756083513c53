"""Planning a people file: each row's email, name, job role, school and groups checked
against the network (nic.services.roster_network); people are matched by email in any
case, and a blank cell leaves an account's value as it is."""

from __future__ import annotations

from typing import Any

from nic.errors import ValidationError
from nic.models import JobRole
from nic.models.accounts import job_role_label
from nic.services.accounts import NAME_MAX, normalize_email
from nic.services.roster_changes import Change, Plan, diff, text_ok
from nic.services.roster_files import ROLE_CHOICES, PersonRow, RosterFile, job_role_of
from nic.services.roster_network import Network


def _person(plan: Plan, file: str, row: PersonRow, network: Network, seen: dict[str, int]):
    """A person row's email, name, job role, school and groups, or None after its errors."""
    where = (file, row.row)
    before = len(plan.errors)
    email = ""
    if not row.email:
        plan.error(*where, "email", "Give the person's email address.")
    elif row.email.lower() in network.users:
        email = row.email.lower()  # an account's address, checked when it was saved
    else:
        try:
            email = normalize_email(row.email)
        except ValidationError:
            plan.error(*where, "email", f"{row.email} is not an email address.")
    if email and email in seen:
        plan.error(*where, "email", f"{email} is also on row {seen[email]}: give each person once.")
    elif email:
        seen[email] = row.row
    existing = network.users.get(email)
    if not row.name and existing is None:
        plan.error(*where, "name", "Give the person's name.")
    elif row.name:
        text_ok(plan, where, "name", row.name, NAME_MAX)
    role = job_role_of(row.job_role) if row.job_role else None
    if row.job_role and role is None:
        plan.error(
            *where,
            "job_role",
            f"{row.job_role} is not a job role nic knows: use one of {ROLE_CHOICES}.",
        )
    school, problem = network.school_for(row.school, row.district) if row.school else (None, "")
    if problem:
        plan.error(*where, "school", problem)
    groups = []
    for name in row.groups:
        group = network.groups.get(name.lower())
        if group is None:
            plan.error(
                *where,
                "groups",
                f"No group is called {name}: create it first, or check its spelling.",
            )
        else:
            groups.append(group)
    if len(plan.errors) > before:
        return None
    return email, existing, role, school, groups


def plan_people(plan: Plan, file: RosterFile, network: Network) -> None:
    seen: dict[str, int] = {}
    for row in file.rows:
        found = _person(plan, file.name, row, network, seen)
        if found is None:
            continue
        email, existing, role, school, groups = found
        where = (file.name, row.row)
        if existing is None:
            values = {
                "email": email,
                "name": row.name,
                "job_role": (role or JobRole.OTHER).value,
                "school": school,
            }
            was: dict[str, Any] = {}
        else:
            values = {
                "email": email,
                "name": row.name or existing.name,
                "job_role": role.value if role else existing.job_role,
                "school": school if row.school else network.school_key(existing.school_id),
            }
            was = {
                "email": email,
                "name": existing.name,
                "job_role": existing.job_role,
                "school": network.school_key(existing.school_id),
            }
        member_of = network.memberships.get(existing.id, set()) if existing else set()
        join = [g for g in groups if g[0] not in member_of]
        if join and existing is not None and not existing.is_active_account:
            plan.error(
                *where,
                "groups",
                "This account is deactivated: reactivate it before it joins groups.",
            )
            continue
        changes = {k: [_shown(k, a), _shown(k, b)] for k, (a, b) in diff(was, values).items()}
        if join:
            changes["groups"] = [None, "; ".join(name for _id, name in join)]
        values["join"] = [group_id for group_id, _name in join]
        action = "create" if existing is None else "update" if changes else "same"
        plan.people.append(
            Change(
                action,
                *where,
                values["name"],
                email,
                existing.id if existing else None,
                changes,
                values,
            )
        )
    plan.missing = network.not_in(set(seen))


def _shown(column: str, value: Any) -> Any:
    """A value as the preview shows it: a job role's label, a school's name."""
    if value is None:
        return None
    if column == "job_role":
        return job_role_label(value)
    if column == "school":
        return f"{value[1]} ({value[0]})"
    return value
