"""Scale data: fill a database with a whole platform of a given size (see lectern.seed.scale).

    python -m bench.scale --server postgresql://postgres@127.0.0.1:5432 --size medium
    python -m bench.scale --database-url postgresql://... --size small
    python -m bench.scale --database-url sqlite:///scale.db --users 500 --courses 20

With ``--server`` it creates a throwaway database ``lectern_scale_<random>``, migrates it,
fills it, prints the timings and drops it (``--keep`` leaves it). With ``--database-url`` it
migrates and fills that database and leaves it in place. Prints rows/s per table as a
markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from lectern import migrate
from lectern.db import async_url
from lectern.seed.bulk import Report
from lectern.seed.scale import SIZES, Plan, generate


def _on_server(server: str, database: str) -> URL:
    return async_url(make_url(server).set(database=database))


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(_on_server(server, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def plan_from(args: argparse.Namespace) -> Plan:
    overrides = {
        "courses": args.courses,
        "enrollments": args.enrollments,
        "progress": args.progress,
        "seed": args.seed,
    }
    if args.users:
        return Plan.custom(args.users, **overrides)
    return Plan.preset(args.size, **overrides)


def run(plan: Plan, *, server: str | None, database_url: str | None, keep: bool) -> Report:
    name = None
    if database_url:
        url = async_url(make_url(database_url))
    else:
        name = f"lectern_scale_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin(server or "", f'CREATE DATABASE "{name}"'))
        url = _on_server(server or "", name)
    try:
        started = time.perf_counter()
        migrate.upgrade(url)
        print(f"migrated {url.database} in {time.perf_counter() - started:.1f} s")
        return asyncio.run(generate(url, plan, progress=lambda m: print(f"... {m}", flush=True)))
    finally:
        if name and not keep:
            asyncio.run(_admin(server or "", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        elif name:
            print(f"kept database {name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    target.add_argument("--database-url", default=None, help="fill this database (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--users", type=int, default=None, help="instead of --size")
    parser.add_argument("--courses", type=int, default=None)
    parser.add_argument("--enrollments", type=int, default=None)
    parser.add_argument("--progress", type=int, default=None, help="lesson_progress rows")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    plan = plan_from(args)
    print(plan)
    report = run(plan, server=args.server, database_url=args.database_url, keep=args.keep)
    print(report.markdown())


if __name__ == "__main__":
    main()
