"""One thin blueprint per area."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    from nic.views import admin, auth, directory, groups, main, threads, users

    return [auth.bp, main.bp, users.bp, directory.bp, groups.bp, threads.bp, admin.bp]
