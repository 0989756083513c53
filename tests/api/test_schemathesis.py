"""Property-based test of the whole API against its own OpenAPI document.

Schemathesis loads /api/v1/openapi.json from the app in-process (WSGI, no
server) and, for every operation in it (later features' too), generates
valid and invalid requests, calling them with a real token of a facilitator
who belongs to groups with threads and posts. Path ids are drawn at random,
and also pinned to that data so the calls reach real objects, not only 404s.
Every response must be a documented status with a JSON body matching its
documented schema, and never a server error.

The pytest plugin's `from_fixture` loader does not run under pytest 9, so
each operation's strategy is driven through Hypothesis directly.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from nic.services import (
    aims,
    attachments,
    cycles,
    groups,
    invitations,
    measures,
    practices,
    tokens,
    tries,
)
from nic.services import driver_diagrams as dd
from nic.services import measure_points as mp
from nic.services.live import sessions as live_sessions
from nic.services.tries import TryFields
from tests.factories import make_practice

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation and run; three runs of each keep the test well under a minute


@pytest.fixture
def api_schema(app, network):
    # Generated calls would soon use up the production budgets and only see 429s.
    app.config.update(NIC_API_READ_LIMIT="100000/minute", NIC_API_WRITE_LIMIT="100000/minute")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def real_ids(network) -> dict[str, int]:
    """Path parameters naming the network's own data (the facilitator's reply, etc.)."""
    starts = datetime.now(UTC) + timedelta(days=1)
    session = live_sessions.schedule_session(
        network.facilitator,
        network.private_group.id,
        live_sessions.SessionFields("ILT check-in", "1. Wins", starts, starts + timedelta(hours=1)),
    )
    # A practice of the private group by the member, which the facilitator may read but not
    # change (so DELETE cannot take it from the calls after it), tried by the member's school.
    practice = make_practice(network.member, group=network.private_group)
    fields = TryFields(date.today(), "adapted", observations="Fewer, better huddles.")
    tries.record_try(
        practices.get_practice_for(network.member, practice.id), network.member, fields
    )
    pdf = attachments.Upload("protocol.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
    access = practices.get_practice_for(network.member, practice.id)
    attachment = attachments.attach(access, network.member, pdf, "The protocol", "protocol", False)
    # The private group's driver diagram: its aim and a primary driver.
    aim = aims.AimFields("Raise reading", "to 60%", date(2027, 6, 30), "in our schools")
    diagram = dd.get_group_diagram_for(network.facilitator, network.private_group.id)
    aims.save_aim(network.facilitator, diagram, aim)
    diagram = dd.get_group_diagram_for(network.facilitator, network.private_group.id)
    root = next(n for n in dd.live_nodes(diagram.diagram.id) if n.parent_id is None)
    driver = dd.add_node(network.facilitator, diagram, root.id, None, "Strong PLCs", "")
    # A change idea under it, and the member's school's cycle on it (the facilitator, of
    # no school, reads it but may not record it, so PATCH cannot change it for later calls).
    time = dd.add_node(network.facilitator, diagram, driver.id, None, "Protected time", "")
    idea = dd.add_node(network.facilitator, diagram, time.id, None, "Data huddles", "")
    cycle = cycles.plan_cycle(
        network.member, dd.get_node_for(network.member, idea.id),
        cycles.NewCycle(network.school.id), cycles.PlanFields("Huddles", "Will it help?"),
    )  # fmt: skip
    # A measure of the private group's diagram with a point of the member's school (the
    # facilitator, of no school, may not delete it, so it stays for the calls after).
    measure = measures.define_measure(
        network.facilitator, network.private_group.id,
        measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up",
                               node_ids=(idea.id,)),
    )  # fmt: skip
    access = measures.get_measure_for(network.member, measure.id)
    week = date.today() - timedelta(days=7)
    mp.record_points(network.member, access, network.school.id, [mp.PointInput(week, 3)])
    # An open invitation to the private group, which the facilitator may send again.
    invited = invitations.invite(
        network.facilitator, ["invited@district.org"], network.private_group.id
    )
    return {
        "invitation_id": invited.invited[0].id,
        "measure_id": measure.id,
        "point_id": mp.points_of(measure.id)[0].id,
        "cycle_id": cycle.id,
        "change_idea_id": idea.id,
        "diagram_id": diagram.diagram.id,
        "node_id": driver.id,
        "group_id": network.private_group.id,
        "thread_id": network.thread.id,
        "post_id": network.reply.id,
        "user_id": network.member.id,
        "session_id": session.id,
        "practice_id": practice.id,
        "school_id": network.school.id,
        "attachment_id": attachment.id,
    }


def exercise(app, operation, strategy, headers) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # A fresh app context per call, as in production: its own `g` and session.
        with app.app_context():
            case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_operation_keeps_its_documented_promises(app, network, api_schema):
    headers = {"Authorization": f"Bearer {tokens.create_token(network.facilitator, 'st').secret}"}
    ids = real_ids(network)
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        # An earlier operation may have made the facilitator leave or step down.
        groups.add_member(None, network.private_group.id, network.facilitator.id, "facilitator")
        pinned = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        runs = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=pinned or None),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=pinned or None),
        ]
        for strategy in runs:
            try:
                exercise(app, operation, strategy, headers)
            except Exception as exc:  # collected, to report every failing operation at once
                failures.append(f"{operation.label}: {exc}")
                break
    assert not failures, "\n\n".join(failures)
