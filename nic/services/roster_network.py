"""The network as a roster import sees it: one snapshot of its districts, schools, people,
groups and memberships (five queries whatever its size), and the districts and schools
the files add as they are planned, so later rows find them.

Names are compared case-insensitively, external ids exactly as trimmed text but without
case ("RIV-01" is "riv-01"). A school is known by its district's name and its own:
`(district, school)`, which is what the saving step turns back into ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from nic.extensions import db
from nic.models import District, Group, Membership, School, User
from nic.services.roster_files import Kind, RosterFile

SchoolKey = tuple[str, str]  # (district name, school name)


@dataclass(frozen=True)
class DistrictRef:
    id: int | None
    name: str
    external_id: str | None


@dataclass(frozen=True)
class SchoolRef:
    id: int | None
    name: str
    district: str
    external_id: str | None

    @property
    def key(self) -> SchoolKey:
        return (self.district, self.name)


@dataclass(frozen=True)
class PersonRef:
    id: int
    email: str
    name: str
    job_role: str
    school_id: int | None
    is_active_account: bool


def _low(text: str | None) -> str:
    return (text or "").strip().lower()


class Network:
    """The snapshot, and lookups by external id and name over it and what the files add."""

    def __init__(
        self,
        districts: list[DistrictRef],
        schools: list[SchoolRef],
        users: list[PersonRef],
        groups: dict[str, tuple[int, str]],
        memberships: dict[int, set[int]],
    ) -> None:
        self.districts = districts
        self.users = {u.email: u for u in users}
        self.groups = groups
        self.memberships = memberships
        self._district = {}  # external id or name, lower case -> the district's name now
        for d in districts:
            self._district[_low(d.name)] = d.name
        for d in districts:
            if d.external_id:
                self._district[_low(d.external_id)] = d.name
        self.schools = schools
        self._school_ext = {_low(s.external_id): s for s in schools if s.external_id}
        self._school_named = {(_low(s.district), _low(s.name)): s for s in schools}
        self._school_by_id = {s.id: s for s in schools}
        self._final = dict(self._school_by_id)  # school id -> as it will be
        self._claimed: dict[str, set[str]] = defaultdict(set)
        self._lookup_ext: dict[str, SchoolRef] = dict(self._school_ext)
        self._lookup_name: dict[str, dict[str, SchoolRef]] = defaultdict(dict)
        for s in schools:
            self._lookup_name[_low(s.name)][_low(s.district)] = s

    @classmethod
    def load(cls, files: list[RosterFile]) -> Network:
        """The network now, with the memberships of the groups the files name."""
        district_rows = db.session.execute(
            sa.select(District.id, District.name, District.external_id)
        ).all()
        districts = [DistrictRef(*row) for row in district_rows]
        names = {d.id: d.name for d in districts}
        schools = [
            SchoolRef(id_, name, names[district_id], external_id)
            for id_, name, district_id, external_id in db.session.execute(
                sa.select(School.id, School.name, School.district_id, School.external_id)
            )
        ]
        users = [
            PersonRef(*row)
            for row in db.session.execute(
                sa.select(
                    User.id,
                    User.email,
                    User.name,
                    User.job_role,
                    User.school_id,
                    User.is_active_account,
                )
            )
        ]
        groups = {
            _low(name): (id_, name)
            for id_, name in db.session.execute(sa.select(Group.id, Group.name))
        }
        named = {_low(g) for f in files if f.kind is Kind.PEOPLE for r in f.rows for g in r.groups}
        ids = [groups[n][0] for n in named if n in groups]
        memberships: dict[int, set[int]] = defaultdict(set)
        if ids:
            for user_id, group_id in db.session.execute(
                sa.select(Membership.user_id, Membership.group_id).where(
                    Membership.group_id.in_(ids)
                )
            ):
                memberships[user_id].add(group_id)
        return cls(districts, schools, users, groups, memberships)

    # --- Districts -----------------------------------------------------------------------

    def district_named(self, value: str) -> str | None:
        """The name (once imported) of the district with this external id or name."""
        return self._district.get(_low(value))

    def existing_district(self, name: str, external_id: str) -> DistrictRef | None:
        """The network's district a district row updates: by external id, else by name."""
        if external_id:
            found = next(
                (d for d in self.districts if _low(d.external_id) == _low(external_id)), None
            )
            if found is not None:
                return found
        return next((d for d in self.districts if _low(d.name) == _low(name)), None)

    def claim_district(self, name: str, external_id: str) -> str:
        """Why a district row repeats one above it ("" when it does not)."""
        return self._claim("district", name, external_id, "district")

    def add_district(
        self, name: str, external_id: str | None, existing: DistrictRef | None = None
    ) -> None:
        """What the files make of a district, for the rows after."""
        for alias in (
            name,
            external_id,
            existing.name if existing else None,
            existing.external_id if existing else None,
        ):
            if alias:
                self._district[_low(alias)] = name

    # --- Schools -------------------------------------------------------------------------

    def _claim(self, kind: str, name: str, external_id: str, scope: str) -> str:
        names, ids = self._claimed[f"{kind}-names"], self._claimed[f"{kind}-ids"]
        if external_id and _low(external_id) in ids:
            return f"The external id {external_id} is also on a row above: give each {kind} once."
        if _low(f"{scope}/{name}") in names:
            return f"{name} is also on a row above: give each {kind} once."
        names.add(_low(f"{scope}/{name}"))
        if external_id:
            ids.add(_low(external_id))
        return ""

    def claim_school(self, name: str, district: str, external_id: str) -> str:
        """Why a school row repeats one above it, or takes another school's name ("")."""
        repeated = self._claim("school", name, external_id, district)
        if repeated:
            return repeated
        mine = self.existing_school(name, district, external_id)
        other = self._school_named.get((_low(district), _low(name)))
        if other is not None and mine is not None and other.id != mine.id:
            return f"Another school in {district} is already called {name}."
        return ""

    def existing_school(self, name: str, district: str, external_id: str) -> SchoolRef | None:
        """The network's school a row updates: by external id, else by name in its district."""
        if external_id and _low(external_id) in self._school_ext:
            return self._school_ext[_low(external_id)]
        return self._school_named.get((_low(district), _low(name)))

    def add_school(self, school: SchoolRef) -> None:
        """What the files make of a school, for the people rows (and its people's search)."""
        if school.id is not None:
            old = self._school_by_id[school.id]
            self._lookup_name[_low(old.name)].pop(_low(old.district), None)
            self._final[school.id] = school
        if school.external_id:
            self._lookup_ext[_low(school.external_id)] = school
        self._lookup_name[_low(school.name)][_low(school.district)] = school

    def school_key(self, school_id: int | None) -> SchoolKey | None:
        """The school's (district, name) once the files' schools are saved."""
        return self._final[school_id].key if school_id in self._final else None

    def final_school(self, school_id: int) -> SchoolRef | None:
        return self._final.get(school_id)

    def school_for(self, value: str, district: str) -> tuple[SchoolKey | None, str]:
        """The school a person row names (external id, else name; `district` tells two of a
        name apart), or None and why."""
        if _low(value) in self._lookup_ext:
            return self._lookup_ext[_low(value)].key, ""
        found = self._lookup_name.get(_low(value), {})
        if district and found:
            wanted = _low(self.district_named(district) or district)
            found = {d: s for d, s in found.items() if d == wanted}
        if len(found) == 1:
            return next(iter(found.values())).key, ""
        if not found:
            return None, (
                f"No school has the external id or name {value}: add it to the "
                "schools file, or check its spelling."
            )
        places = " and ".join(sorted(s.district for s in found.values()))
        return None, (
            f"Two schools are called {value} (in {places}): give the district in a "
            "district column, or the school's external id."
        )

    # --- People --------------------------------------------------------------------------

    def not_in(self, emails: set[str]) -> list[dict]:
        """The active people whose email is not among `emails`, by name."""
        people = [u for u in self.users.values() if u.is_active_account and u.email not in emails]
        people.sort(key=lambda u: (u.name.lower(), u.id))
        return [{"id": u.id, "name": u.name, "email": u.email} for u in people]
