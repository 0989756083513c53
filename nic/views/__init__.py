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
    live,
    main,
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
        dashboard.bp,
        live.bp,
        notifications.bp,
        search.bp,
        admin.bp,
    ]
