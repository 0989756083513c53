"""What roster files would do to the network: each district, school and person created,
updated (with what changes) or left alone, the errors by row, and who is not in the files.

A plan is made from the files read (nic.services.roster_files) and one snapshot of the
network (`Network.load`: a handful of queries whatever the files' size), and saves
nothing; nic.services.roster saves it. Districts and schools are matched by external id,
else by name (a school's within its district); people by email, case-insensitively (the
stored address is lower case). A blank cell leaves an existing value as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nic.errors import ValidationError
from nic.models import JobRole
from nic.models.accounts import job_role_label
from nic.services.accounts import NAME_MAX, normalize_email
from nic.services.org import DISTRICT_NAME_MAX, SCHOOL_NAME_MAX
from nic.services.roster_files import (
    ROLE_CHOICES,
    Kind,
    PersonRow,
    RosterFile,
    SchoolRow,
    job_role_of,
)
from nic.services.roster_network import Network, SchoolRef
from nic.services.validation import check_characters, too_long

EXTERNAL_ID_MAX = 64
ACTIONS = ("create", "update", "same")


@dataclass
class Change:
    """One district, school or person of the files: what happens to it."""

    action: str  # create, update or same
    file: str
    row: int
    name: str
    key: str  # its external id or email ("" when it has none)
    id: int | None = None  # the existing row's
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [was, becomes]
    values: dict[str, Any] = field(default_factory=dict)  # what is saved (not shown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "file": self.file,
            "row": self.row,
            "name": self.name,
            "key": self.key,
            "changes": self.changes,
        }


@dataclass
class Plan:
    files: list[RosterFile]
    districts: list[Change] = field(default_factory=list)
    schools: list[Change] = field(default_factory=list)
    people: list[Change] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # file, row, column, message
    missing: list[dict[str, Any]] = field(default_factory=list)  # id, name, email

    def error(self, file: str, row: int, column: str, message: str) -> None:
        self.errors.append({"file": file, "row": row, "column": column, "message": message})

    def counts(self) -> dict[str, dict[str, int]]:
        found = {}
        for kind in ("districts", "schools", "people"):
            changes = getattr(self, kind)
            found[kind] = {a: sum(1 for c in changes if c.action == a) for a in ACTIONS}
        found["people"]["join"] = sum(len(c.values.get("join", ())) for c in self.people)
        return found

    def totals(self) -> dict[str, int]:
        counts = self.counts()
        total = {a: sum(counts[k][a] for k in ("districts", "schools", "people")) for a in ACTIONS}
        return {
            "created": total["create"],
            "updated": total["update"],
            "unchanged": total["same"],
            "errors": len(self.errors),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "counts": self.counts(),
            "totals": self.totals(),
            "errors": self.errors,
            "missing": self.missing,
            "changes": {
                k: [c.as_dict() for c in getattr(self, k)]
                for k in ("districts", "schools", "people")
            },
        }


def _text(plan: Plan, where: tuple[str, int], column: str, value: str, limit: int) -> bool:
    """Whether `value` may be saved as text of at most `limit` characters (else an error)."""
    problem = check_characters(value) or (too_long(len(value), limit) if len(value) > limit else "")
    if problem:
        plan.error(*where, column, problem)
    return not problem


def _diff(was: dict[str, Any], becomes: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [was.get(k), v] for k, v in becomes.items() if v != was.get(k)}


def make_plan(files: list[RosterFile], network: Network) -> Plan:
    """The plan of these files (schools first, then people) against `network`."""
    plan = Plan(files)
    for file in files:
        if file.kind is Kind.SCHOOLS:
            _plan_schools(plan, file, network)
        else:
            _plan_people(plan, file, network)
    return plan


def _district_of(plan: Plan, where: tuple[str, int], value: str, network: Network) -> str | None:
    """The district (its name once imported) a school row names, by external id or name: a
    district of the file, else of the network, else a new one called `value`."""
    found = network.district_named(value)
    if found is not None:
        return found
    if not _text(plan, where, "district", value, DISTRICT_NAME_MAX):
        return None
    plan.districts.append(Change("create", where[0], where[1], value, "", values={"name": value}))
    network.add_district(value, None)
    return value


def _named(plan: Plan, where: tuple[str, int], row: SchoolRow, kind: str, limit: int) -> bool:
    """Whether a district's or school's row has a name and an external id that may be
    saved (else its errors)."""
    if not row.name:
        plan.error(*where, "name", f"Give the {kind}'s name.")
        return False
    return _text(plan, where, "name", row.name, limit) and _text(
        plan, where, "external_id", row.external_id, EXTERNAL_ID_MAX
    )


def _plan_district(plan: Plan, file: str, row: SchoolRow, network: Network) -> None:
    where = (file, row.row)
    if not _named(plan, where, row, "district", DISTRICT_NAME_MAX):
        return
    taken = network.claim_district(row.name, row.external_id)
    if taken:
        plan.error(*where, "external_id" if row.external_id else "name", taken)
        return
    existing = network.existing_district(row.name, row.external_id)
    values = {"name": row.name, "external_id": row.external_id or None}
    if existing is None:
        plan.districts.append(Change("create", *where, row.name, row.external_id, values=values))
    else:
        if row.name.lower() != existing.name.lower() and network.district_named(row.name):
            plan.error(*where, "name", f"Another district is already called {row.name}.")
            return
        if not row.external_id:
            values["external_id"] = existing.external_id
        was = {"name": existing.name, "external_id": existing.external_id}
        changes = _diff(was, values)
        action = "update" if changes else "same"
        plan.districts.append(
            Change(action, *where, row.name, row.external_id, existing.id, changes, values)
        )
    network.add_district(row.name, row.external_id or None, existing)


def _plan_schools(plan: Plan, file: RosterFile, network: Network) -> None:
    for row in (r for r in file.rows if r.is_district):
        _plan_district(plan, file.name, row, network)
    for row in (r for r in file.rows if not r.is_district):
        where = (file.name, row.row)
        if not _named(plan, where, row, "school", SCHOOL_NAME_MAX):
            continue
        if not row.district:
            plan.error(*where, "district", "Give the school's district (its name or external id).")
            continue
        district = _district_of(plan, where, row.district, network)
        if district is None:
            continue
        taken = network.claim_school(row.name, district, row.external_id)
        if taken:
            plan.error(*where, "external_id" if row.external_id else "name", taken)
            continue
        existing = network.existing_school(row.name, district, row.external_id)
        values = {"name": row.name, "district": district, "external_id": row.external_id or None}
        if existing is None:
            plan.schools.append(Change("create", *where, row.name, row.external_id, values=values))
        else:
            if not row.external_id:
                values["external_id"] = existing.external_id
            was = {
                "name": existing.name,
                "district": existing.district,
                "external_id": existing.external_id,
            }
            changes = _diff(was, values)
            plan.schools.append(
                Change(
                    "update" if changes else "same",
                    *where,
                    row.name,
                    row.external_id,
                    existing.id,
                    changes,
                    values,
                )
            )
        network.add_school(
            SchoolRef(
                existing.id if existing else None, row.name, district, row.external_id or None
            )
        )


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
        _text(plan, where, "name", row.name, NAME_MAX)
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


def _plan_people(plan: Plan, file: RosterFile, network: Network) -> None:
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
        changes = {k: [_shown(k, a), _shown(k, b)] for k, (a, b) in _diff(was, values).items()}
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
