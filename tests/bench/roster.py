"""Roster import benchmark (issue 22): 2,000 people imported through the service.

One command builds a SQLite database of its own in a temporary directory, migrated
(`flask_migrate.upgrade`, so the search triggers are the migrations'), imports a schools
file of 22 schools in 3 districts and makes two groups, then in each round:

1. **import**: `nic.services.roster.import_roster` of a people file of 2,000 new people
   (name, email, job role, school by external id, one group each), from the bytes to the
   commit: read, planned against the network, saved in bulk;
2. **re-import**: the same file again (everything found unchanged, nothing written but
   the import's record);
3. **bare**: the same file read with `csv.reader` and its 2,000 rows inserted with one
   executemany into a table of four text columns, then committed: what the database
   and the csv module alone cost;

and reports p50 and p95 of each and the SQL statements of one import.

    python tests/bench/roster.py                  # 5 rounds, ~20 s
    python tests/bench/roster.py --rounds 9 --people 5000

Not collected by pytest. The temporary directory is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

ROLES = ["Principal", "AP", "Instructional coach", "Teacher leader", "District staff"]


def schools_file() -> bytes:
    rows = [f"School {n:02},S-{n:02},District {n % 3}" for n in range(22)]
    return ("School Name,School ID,District\n" + "\n".join(rows) + "\n").encode()


def people_file(round_: int, people: int) -> bytes:
    rows = [
        f"Person {round_}-{n},person{round_}.{n}@example.org,{ROLES[n % 5]},S-{n % 22:02},"
        f"{'Principals circle' if n % 2 else 'Coaches'}"
        for n in range(people)
    ]
    return ("Full Name,E-mail,Role,School,Groups\n" + "\n".join(rows) + "\n").encode()


def bare(db, data: bytes) -> None:
    import sqlalchemy as sa

    rows = list(csv.reader(io.StringIO(data.decode())))[1:]
    db.session.execute(
        sa.text("INSERT INTO bench_bare (name, email, role, school) VALUES (:n, :e, :r, :s)"),
        [{"n": r[0], "e": r[1], "r": r[2], "s": r[3]} for r in rows],
    )
    db.session.commit()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args(argv)
    load = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="nic-roster-"))
    try:
        import sqlalchemy as sa
        from flask_migrate import upgrade

        from nic import create_app

        url = f"sqlite:///{work / 'bench.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "NIC_ASYNC_MODE": "threading",
                          "SECRET_KEY": "bench"})  # fmt: skip
        with app.app_context():
            from nic.extensions import db
            from nic.services import groups, roster

            upgrade()
            db.session.execute(sa.text("CREATE TABLE bench_bare (name TEXT, email TEXT, "
                                       "role TEXT, school TEXT)"))  # fmt: skip
            db.session.commit()
            for name in ("Principals circle", "Coaches"):
                groups.create_group(None, groups.GroupFields(name, "", [], "network"))
            roster.import_roster(None, [("schools.csv", schools_file())])
            timings: dict[str, list[float]] = {"import": [], "re-import": [], "bare": []}
            statements: list[str] = []

            def record(_conn, _cursor, statement, *_rest) -> None:
                statements.append(statement)

            for round_ in range(args.rounds):
                files = [("people.csv", people_file(round_, args.people))]
                listen = round_ == 0
                if listen:
                    sa.event.listen(db.engine, "before_cursor_execute", record)
                began = time.perf_counter()
                outcome = roster.import_roster(None, files)
                timings["import"].append(time.perf_counter() - began)
                if listen:
                    sa.event.remove(db.engine, "before_cursor_execute", record)
                assert outcome.record.preview["counts"]["people"]["create"] == args.people
                began = time.perf_counter()
                again = roster.import_roster(None, files)
                timings["re-import"].append(time.perf_counter() - began)
                assert again.record.preview["counts"]["people"]["same"] == args.people
                began = time.perf_counter()
                bare(db, files[0][1])
                timings["bare"].append(time.perf_counter() - began)
                last = ", ".join(f"{k} {v[-1] * 1000:.0f} ms" for k, v in timings.items())
                print(f"round {round_ + 1}: {last}", flush=True)
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n## Roster import: {args.people:,} people, {args.rounds} rounds (SQLite), load "
          f"average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after\n")  # fmt: skip
    print("| case | p50 | p95 | p50 ÷ bare |\n|---|---|---|---|")
    base = statistics.median(timings["bare"])
    for name, values in timings.items():
        p50 = statistics.median(values)
        print(f"| {name} | {p50 * 1000:.0f} ms | {pct(values, 0.95) * 1000:.0f} ms "
              f"| {p50 / base:.0f} |")  # fmt: skip
    writes = [s for s in statements if not s.lstrip().upper().startswith(("SELECT", "PRAGMA"))]
    print(f"\nOne import: {len(statements)} SQL statements ({len(writes)} not SELECT).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
