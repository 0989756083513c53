"""/api/v1 improvement: the aim and the driver diagram, the network's and each group's.

The same services and `nic.policy` rules as the improvement pages: every
signed-in member reads the network's diagram, a group's is read by whoever
may see the group (outsiders of a private group get 404 for all of it), and
only the diagram's facilitators (the network's: its facilitators and
administrators) change it; others get 403. Writing the first aim starts the
diagram; its parts are archived, never deleted, and every change is logged,
so `?as_of=` shows the diagram as it stood on a past day.
"""

from __future__ import annotations

from datetime import date

from flask import url_for

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.errors import conflict_with
from nic.api.pagination import paginate_list
from nic.api.schemas.common import PageArgs, annotate, page_of
from nic.api.schemas.improvement import (
    AimSchema,
    AimWriteSchema,
    ArchiveArgs,
    DiagramArgs,
    DiagramDetailSchema,
    DiagramSchema,
    LinkPracticeSchema,
    NodeCreateSchema,
    NodeSchema,
    NodeUpdateSchema,
    StaleAimSchema,
    StaleNodeSchema,
)
from nic.errors import NotFound, ValidationError
from nic.models import DriverNode
from nic.services import aims, diagram_reading, diagram_tree
from nic.services import driver_diagrams as dd
from nic.services.diagram_tree import TreeNode

bp = ApiBlueprint(
    "api_improvement", __name__, tag="Improvement",
    description="The aim and the driver diagram (aim, primary and secondary drivers, change "
    "ideas), the network's and each group's. A private group's diagram is not found by "
    "outsiders; only its facilitators change it.",
)  # fmt: skip

NO_AIM = "No aim yet: a facilitator writes it (PUT), which starts the diagram."
NO_VERSION = "Send the version your edit started from (the part's `version`)."


# --- The aim ---------------------------------------------------------------------


def _diagram_access(group_id: int | None) -> dd.DiagramAccess:
    if group_id is None:
        return dd.get_network_diagram_for(api_user)
    return dd.get_group_diagram_for(api_user, group_id)


def _aim(group_id: int | None):
    aim = aims.aim_of(_diagram_access(group_id).diagram)
    if aim is None:
        raise NotFound(NO_AIM)
    return aim


def _save_aim(args: dict, group_id: int | None):
    access = _diagram_access(group_id)
    first = access.diagram is None
    try:
        aim = aims.save_aim(api_user, access, aims.AimFields(**args))
    except dd.StaleAim as exc:
        return conflict_with(exc, AimSchema().dump(exc.saved))
    return aim, 201 if first else 200


def _aim_routes(rule: str, name: str, whose: str):
    """GET and PUT of one aim: the network's (`/aim`) or a group's."""

    @bp.route(rule, endpoint=f"get_{name}")
    @bp.response(200, AimSchema)
    @bp.errors(404)
    @bp.doc(summary=f"{whose} aim; 404 until it is written.")
    def get_aim(group_id: int | None = None):
        return _aim(group_id)

    @bp.route(rule, methods=["PUT"], endpoint=f"put_{name}")
    @bp.arguments(AimWriteSchema)
    @bp.response(200, AimSchema, description="The aim, revised.")
    @bp.alt_response(201, schema=AimSchema, description="The first aim: the diagram starts.")
    @bp.alt_response(409, schema=StaleAimSchema, description="Saved by someone else since.")
    @bp.errors(400, 403, 404)
    @bp.doc(
        summary=f"Write or revise {whose.lower()} aim (its facilitators).",
        description="Revising needs the `version` the edit started from.",
    )
    def put_aim(args: dict, group_id: int | None = None):
        return _save_aim(args, group_id)

    return get_aim, put_aim


network_aim = _aim_routes("/aim", "network_aim", "The network's")
group_aim = _aim_routes("/groups/<id:group_id>/aim", "group_aim", "A group's")


# --- Diagrams --------------------------------------------------------------------


def _diagram_view(access: dd.DiagramAccess, statement: str | None, **extra):
    group = access.group
    return annotate(
        access.diagram, group_name=group.name if group else None, statement=statement,
        can_edit=access.can_edit,
        url=url_for("improvement.diagram", group_id=group.id if group else None), **extra,
    )  # fmt: skip


def _tree(node: TreeNode, past: bool) -> dict:
    return {
        "id": node.id, "kind": node.kind, "title": node.title,
        "description_html": node.description_html, "position": node.position,
        "version": None if past else node.version, "practices": node.practices,
        "children": [_tree(child, past) for child in node.children],
    }  # fmt: skip


@bp.route("/driver-diagrams")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(DiagramSchema))
def list_diagrams(args: dict):
    """The network's diagram and every group's you may see.

    The network's first, then the groups' by name; a private group's only to its people.
    """
    found = dd.visible_diagrams(api_user)
    views = [_diagram_view(d.access, d.aim.statement if d.aim else None) for d in found]
    return paginate_list(views, args)


@bp.route("/driver-diagrams/<id:diagram_id>")
@bp.arguments(DiagramArgs, location="query")
@bp.response(200, DiagramDetailSchema)
@bp.errors(400, 404)
def get_diagram(args: dict, diagram_id: int):
    """A diagram's tree, now or (`as_of`) as it stood at the end of a past day.

    The past view is rebuilt from the change log: it has no versions and no practices.
    """
    access = dd.get_diagram_for(api_user, diagram_id)
    day = args.get("as_of")
    if day is not None and day >= date.today():
        day = None
    if day is None:
        root = diagram_reading.current_tree(api_user, access)
    else:
        root, _changes = diagram_reading.tree_as_of(access, day)
    aim = aims.aim_of(access.diagram)
    tree = _tree(root, past=day is not None) if root else None
    return _diagram_view(access, aim.statement if aim else None, as_of=day, tree=tree)


# --- Parts of a diagram (nodes) -------------------------------------------------------


def _node_access(diagram_id: int, node_id: int) -> dd.NodeAccess:
    """The node, for who may see its diagram; one of another diagram is not found here."""
    access = dd.get_node_for(api_user, node_id)
    if access.node.diagram_id != diagram_id:
        raise NotFound(dd.NOT_FOUND)
    return access


def _node_view(access: dd.DiagramAccess, node: DriverNode):
    """The node with the practices linked to it that the caller may open."""
    root = diagram_reading.current_tree(api_user, access)
    part = next((n for n in diagram_tree.walk(root) if n.id == node.id), None)
    return annotate(node, practices=part.practices if part else [])


@bp.route("/driver-diagrams/<id:diagram_id>/nodes")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(NodeSchema))
@bp.errors(404)
def list_nodes(args: dict, diagram_id: int):
    """The diagram's live parts as a flat list (`parent_id` gives the tree).

    In reading order: the aim, then each primary driver followed by what hangs from it.
    """
    access = dd.get_diagram_for(api_user, diagram_id)
    root = diagram_reading.current_tree(api_user, access)
    nodes = {n.id: n for n in dd.live_nodes(diagram_id)}
    views = [
        annotate(nodes[part.id], practices=part.practices)
        for part in diagram_tree.walk(root)
        if part.id in nodes
    ]
    return paginate_list(views, args)


@bp.route("/driver-diagrams/<id:diagram_id>/nodes", methods=["POST"])
@bp.arguments(NodeCreateSchema)
@bp.response(201, NodeSchema)
@bp.errors(400, 403, 404)
def create_node(args: dict, diagram_id: int):
    """Add a part at the end of its parent's children (its facilitators).

    Under the aim go primary drivers, under those secondary drivers, under those change
    ideas; `kind` defaults to the one the parent takes.
    """
    access = dd.get_diagram_for(api_user, diagram_id)
    node = dd.add_node(api_user, access, args["parent_id"], args.get("kind"), args["title"],
                       args["description"])  # fmt: skip
    return annotate(node, practices=[])


@bp.route("/driver-diagrams/<id:diagram_id>/nodes/<id:node_id>")
@bp.response(200, NodeSchema)
@bp.errors(404)
def get_node(diagram_id: int, node_id: int):
    """One part (an archived one too, with its `archived_at`)."""
    access = _node_access(diagram_id, node_id)
    return _node_view(access.diagram, access.node)


@bp.route("/driver-diagrams/<id:diagram_id>/nodes/<id:node_id>", methods=["PATCH"])
@bp.arguments(NodeUpdateSchema)
@bp.response(200, NodeSchema)
@bp.alt_response(409, schema=StaleNodeSchema, description="Saved by someone else since.")
@bp.errors(400, 403, 404)
def update_node(args: dict, diagram_id: int, node_id: int):
    """Rename, describe or move a part (its facilitators).

    What is sent is saved in this order, each as its own change: `title` and `description`
    (with `version`), `parent_id` (it goes last under its new parent), `position`. A
    refusal stops there: what came before it is saved.
    """
    access = _node_access(diagram_id, node_id)
    dd.may_edit(api_user, access.diagram)
    node = access.node
    if "title" in args or "description" in args:
        if "version" not in args:
            raise ValidationError("version", NO_VERSION)
        title = args.get("title", node.title)
        description = args.get("description", node.description)
        try:
            dd.edit_node(api_user, access, title, description, args["version"])
        except dd.StaleNode as exc:
            return conflict_with(exc, NodeSchema().dump(_node_view(access.diagram, exc.saved)))
    if "parent_id" in args:
        dd.move_node(api_user, access, args["parent_id"])
    if "position" in args:
        dd.move_to_position(api_user, access, args["position"])
    return _node_view(access.diagram, dd.get_node_for(api_user, node_id).node)


@bp.route("/driver-diagrams/<id:diagram_id>/nodes/<id:node_id>", methods=["DELETE"])
@bp.arguments(ArchiveArgs, location="query")
@bp.response(204)
@bp.errors(400, 403, 404)
def archive_node(args: dict, diagram_id: int, node_id: int):
    """Archive a part (its facilitators): it leaves the diagram but stays in its history.

    One with parts under it is refused (400) unless `with_children=true`, which archives
    its whole branch.
    """
    access = _node_access(diagram_id, node_id)
    dd.archive_node(api_user, access, with_children=args["with_children"])


@bp.route("/driver-diagrams/<id:diagram_id>/nodes/<id:node_id>/practices", methods=["POST"])
@bp.arguments(LinkPracticeSchema)
@bp.response(200, NodeSchema)
@bp.errors(400, 403, 404)
def link_practice(args: dict, diagram_id: int, node_id: int):
    """Link a published practice you may open to a change idea (its facilitators).

    Linking it twice is the same as once.
    """
    access = _node_access(diagram_id, node_id)
    dd.link_practice(api_user, access, args["practice_id"])
    return _node_view(access.diagram, dd.get_node_for(api_user, node_id).node)


@bp.route(
    "/driver-diagrams/<id:diagram_id>/nodes/<id:node_id>/practices/<id:practice_id>",
    methods=["DELETE"],
)
@bp.response(204)
@bp.errors(400, 403, 404)
def unlink_practice(diagram_id: int, node_id: int, practice_id: int):
    """Unlink a practice from a change idea (its facilitators); one not linked is 404."""
    access = _node_access(diagram_id, node_id)
    dd.unlink_practice(api_user, access, practice_id)
