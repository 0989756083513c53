"""What roster files would do to the network (a Plan of nic.services.roster_changes): each
district, school and person created, updated (with what changes) or left alone, the
errors by row, and who is not in the files. Here are the districts and schools; the
people are nic.services.roster_people's.

A plan is made from the files read (nic.services.roster_files) and one snapshot of the
network (`Network.load`: a handful of queries whatever the files' size), and saves
nothing; nic.services.roster saves it. Districts and schools are matched by external id,
else by name (a school's within its district); people by email, case-insensitively (the
stored address is lower case). A blank cell leaves an existing value as it is.
"""

from __future__ import annotations

from nic.services.org import DISTRICT_NAME_MAX, SCHOOL_NAME_MAX
from nic.services.roster_changes import EXTERNAL_ID_MAX, Change, Plan, diff, text_ok
from nic.services.roster_files import Kind, RosterFile, SchoolRow
from nic.services.roster_network import Network, SchoolRef
from nic.services.roster_people import plan_people


def make_plan(files: list[RosterFile], network: Network) -> Plan:
    """The plan of these files (schools first, then people) against `network`."""
    plan = Plan(files)
    for file in files:
        if file.kind is Kind.SCHOOLS:
            _plan_schools(plan, file, network)
        else:
            plan_people(plan, file, network)
    return plan


def _district_of(plan: Plan, where: tuple[str, int], value: str, network: Network) -> str | None:
    """The district (its name once imported) a school row names, by external id or name: a
    district of the file, else of the network, else a new one called `value`."""
    found = network.district_named(value)
    if found is not None:
        return found
    if not text_ok(plan, where, "district", value, DISTRICT_NAME_MAX):
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
    return text_ok(plan, where, "name", row.name, limit) and text_ok(
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
        changes = diff(was, values)
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
            changes = diff(was, values)
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
