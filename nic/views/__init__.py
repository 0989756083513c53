"""One thin blueprint per area."""

from __future__ import annotations

from flask import Blueprint

from nic.views import (
    addresses,
    admin,
    auth,
    cycle_files,
    cycles,
    dashboard,
    directory,
    groups,
    improvement,
    invitations,
    live,
    main,
    measure_charts,
    measure_points,
    measures,
    notifications,
    practices,
    search,
    security,
    threads,
    tokens,
    users,
)


def blueprints() -> list[Blueprint]:
    return [
        auth.bp,
        main.bp,
        users.bp,
        tokens.bp,
        security.bp,
        addresses.bp,
        directory.bp,
        groups.bp,
        threads.bp,
        practices.bp,
        improvement.bp,
        cycles.bp,
        cycle_files.bp,
        measures.bp,
        measure_points.bp,
        measure_charts.bp,
        dashboard.bp,
        live.bp,
        notifications.bp,
        search.bp,
        admin.bp,
        invitations.bp,
    ]
