"""Charts kept drawn between visits: drawn again only where something changed, and never
showing one viewer what another may see."""

from __future__ import annotations

import pytest

from nic.services import cycles, drawn_charts, measure_reading, measures
from nic.services import measure_points as mp
from tests.factories import make_cycle_world, make_group, make_user
from tests.test_cycles import plan
from tests.test_measure_charts import MONDAY, PLC, enter, weeks


@pytest.fixture
def world(app):
    return make_cycle_world()


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The titles of the charts actually drawn."""
    titles: list[str] = []
    real = drawn_charts.build_chart

    def drawing(measure, title, *args, **kwargs):
        titles.append(title)
        return real(measure, title, *args, **kwargs)

    monkeypatch.setattr(drawn_charts, "build_chart", drawing)
    return titles


def page(world, measure, user="fran"):
    return measure_reading.network_and_schools(
        world[user], measures.get_measure_for(world[user], measure.id))  # fmt: skip


def test_a_measures_page_draws_again_only_the_charts_whose_points_changed(world, drawn):
    measure = measures.define_measure(world["fran"], None, PLC)
    enter(world, measure, weeks([2, 3, 2, 4]))
    enter(world, measure, weeks([5, 5, 6, 5]), "james", "harbor")
    page(world, measure)
    assert sorted(drawn) == ["Harbor View", "Lincoln Elementary", "PLC meetings held: the network"]
    drawn.clear()
    page(world, measure)
    assert drawn == []
    enter(world, measure, [mp.PointInput(MONDAY, 9)])  # Lincoln corrects its first week
    charts = page(world, measure)
    assert sorted(drawn) == ["Lincoln Elementary", "PLC meetings held: the network"]
    lincoln = next(c for c in charts.schools if c.title == "Lincoln Elementary")
    assert lincoln.periods[0].value == 9 and charts.network.periods[0].value == 14
    assert "9" in lincoln.svg


def test_a_renamed_measure_is_drawn_again_under_its_new_name(world, drawn):
    measure = measures.define_measure(world["fran"], None, PLC)
    enter(world, measure, weeks([2, 3, 2, 4]))
    page(world, measure)
    fields = measures.MeasureFields("PLC meetings", "process", "count", "weekly", "up")
    measures.update_measure(world["fran"], measures.get_measure_for(world["fran"], measure.id),
                            fields, measure.version)  # fmt: skip
    drawn.clear()
    assert page(world, measure).network.title == "PLC meetings: the network"
    assert "PLC meetings: the network" in drawn


def test_a_kept_chart_never_names_a_cycle_to_someone_who_may_not_see_it(world):
    ilt = make_group("Lincoln ILT", visibility="private", members=[world["maria"]])
    cycle = plan(world["maria"], world["idea"], world["lincoln"], group_id=ilt.id)
    cycles.get_cycle_for(world["maria"], cycle.id)  # Maria may see it
    measure = measures.define_measure(world["fran"], None, PLC)
    enter(world, measure, [mp.PointInput(MONDAY, 3, cycle_id=cycle.id)])
    world["outsider"] = make_user("Olive Outsider")
    for viewer, named in (("maria", True), ("outsider", False), ("maria", True)):
        [lincoln] = page(world, measure, viewer).schools
        assert (cycle.title in str(lincoln.svg)) is named, viewer
