"""/api/v1/districts and /api/v1/schools: anyone reads, administrators create."""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import paginate
from nic.api.schemas.common import PageArgs, page_of
from nic.api.schemas.org import (
    DistrictCreateSchema,
    DistrictSchema,
    SchoolCreateSchema,
    SchoolListArgs,
    SchoolSchema,
)
from nic.services import org

bp = ApiBlueprint(
    "api_org", __name__, tag="Districts and schools",
    description="The districts and schools of the network.",
)  # fmt: skip


@bp.route("/districts")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(DistrictSchema))
def list_districts(args: dict):
    """Districts by name."""
    return paginate(org.districts_query(), args)


@bp.route("/districts", methods=["POST"])
@bp.arguments(DistrictCreateSchema)
@bp.response(201, DistrictSchema)
@bp.errors(403, 409)
def create_district(args: dict):
    """Add a district (network administrators)."""
    return org.create_district(api_user, args["name"])


@bp.route("/schools")
@bp.arguments(SchoolListArgs, location="query")
@bp.response(200, page_of(SchoolSchema))
def list_schools(args: dict):
    """Schools by district and name, optionally of one district."""
    return paginate(org.schools_query(args.get("district_id")), args)


@bp.route("/schools", methods=["POST"])
@bp.arguments(SchoolCreateSchema)
@bp.response(201, SchoolSchema)
@bp.errors(403, 409)
def create_school(args: dict):
    """Add a school to a district (network administrators)."""
    return org.create_school(api_user, args["name"], args["district_id"])
