"""The `lectern` command: serve the API, run migrations, seed data, manage users."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from lectern import migrate
from lectern.config import DatabaseSettings
from lectern.db import async_url
from lectern.errors import LecternError

app = typer.Typer(help="Lectern, an open-source learning platform.", no_args_is_help=True)
db_app = typer.Typer(
    help="Migrate, roll back, inspect and seed the database.", no_args_is_help=True
)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="Check the data against the rules it must keep.", no_args_is_help=True)
credentials_app = typer.Typer(help="Open Badges credentials.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(credentials_app, name="credentials")

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn Lectern's own errors into a one-line message and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LecternError as exc:
            err_console.print(f"[bold red]error:[/] {exc.detail}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def database_url() -> str:
    """The configured database URL, read afresh (the environment may change between calls)."""
    return DatabaseSettings().database_url


def _where() -> str:
    return async_url(database_url()).render_as_string(hide_password=True)


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Run the HTTP API."""
    import uvicorn

    async_url(database_url())  # a bad URL fails here, before the server starts
    uvicorn.run("lectern.app:create_app", factory=True, host=host, port=port, reload=reload)


@app.command()
@reports_errors
def openapi(
    output: Annotated[
        Path | None, typer.Option(help="Write it to this file (default: standard output).")
    ] = None,
) -> None:
    """Print the OpenAPI document the API serves (for client generators)."""
    import json

    from lectern.app import create_app

    document = json.dumps(create_app().openapi(), indent=2, sort_keys=False) + "\n"
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")


@app.command()
@reports_errors
def worker(
    processes: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 2,
) -> None:
    """Run background jobs from Redis (needs LECTERN_REDIS_URL)."""
    from taskiq.cli.worker.args import WorkerArgs
    from taskiq.cli.worker.run import run_worker

    from lectern import registry
    from lectern.config import JobSettings

    if not JobSettings().redis_url:
        raise LecternError(
            "no LECTERN_REDIS_URL: without Redis, jobs run inside `lectern serve` itself"
        )
    status = run_worker(
        WorkerArgs(
            broker="lectern.worker:broker",
            modules=registry.task_modules(),
            workers=processes,
            configure_logging=True,
        )
    )
    raise typer.Exit(status or 0)


@app.command()
@reports_errors
def scheduler(
    once: Annotated[
        bool, typer.Option("--once", help="Run every periodic job once and exit (for cron).")
    ] = False,
) -> None:
    """Run the periodic jobs (expiring enrollments ...). With Redis, run one of these next to
    the workers; without, `lectern serve` runs them itself (unless LECTERN_SCHEDULER=off)."""
    from lectern import registry, runtime, schedule
    from lectern.config import JobSettings

    url = database_url()
    _require_migrated(url)

    async def run() -> list[str]:
        async with runtime.database(url) as sessions:
            runner = schedule.Scheduler(sessions, registry.periodic_jobs())
            if once:
                return await runner.run_due()
            stop = asyncio.Event()
            await runner.run_forever(stop, tick=JobSettings().scheduler_tick_seconds)
            return []

    ran = asyncio.run(run())
    if once:
        console.print(f"Ran {len(ran)} periodic job(s): {', '.join(ran) or 'none'}.")


@db_app.command("migrate")
@reports_errors
def db_migrate() -> None:
    """Apply every pending migration."""
    url = database_url()
    before = migrate.applied_count(url)
    migrate.upgrade(url)
    after = migrate.status(url)
    applied = sum(1 for rev in after if rev.applied)
    if applied == before:
        console.print(f"Nothing to migrate: {_where()} is up to date.")
    else:
        console.print(f"Applied {applied - before} migration(s) to {_where()}.")


@db_app.command("rollback")
@reports_errors
def db_rollback(
    steps: Annotated[int, typer.Option(help="How many migrations to undo.", min=1)] = 1,
) -> None:
    """Undo the last migration (or the last N with --steps)."""
    url = database_url()
    applied = migrate.applied_count(url)
    if applied == 0:
        raise LecternError(f"nothing to roll back: no migration is applied to {_where()}")
    undo = min(steps, applied)
    migrate.downgrade(url, f"-{undo}")
    console.print(f"Rolled back {undo} migration(s); {applied - undo} remain applied.")


@db_app.command("fresh")
@reports_errors
def db_fresh(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask: the data goes.")] = False,
) -> None:
    """Drop every table and migrate again from nothing (asks first, unless --yes)."""
    url = database_url()
    if not yes and not typer.confirm(f"Drop every table of {_where()} and its data?"):
        raise LecternError("nothing dropped")
    migrate.fresh(url)
    console.print(f"Dropped all tables and migrated {_where()} afresh.")


@db_app.command("status")
@reports_errors
def db_status() -> None:
    """List the migrations, applied and pending."""
    revisions = migrate.status(database_url())
    table = Table(title=f"Migrations on {_where()}")
    table.add_column("#", justify="right")
    table.add_column("revision")
    table.add_column("description")
    table.add_column("state")
    for number, rev in enumerate(revisions, start=1):
        state = "[green]applied[/]" if rev.applied else "[yellow]pending[/]"
        table.add_row(str(number), rev.revision, rev.message, state)
    console.print(table)
    pending = sum(1 for rev in revisions if not rev.applied)
    console.print(f"{len(revisions) - pending} applied, {pending} pending.")


@db_app.command("seed")
@reports_errors
def db_seed(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo school.")] = False,
    scale: Annotated[
        str | None,
        typer.Option(
            help="Generate a platform of this size for benchmarks: small, medium or large "
            "(large: 100,000 users, 10,000 courses, 1,000,000 enrollments)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of --scale.")] = 1,
) -> None:
    """Fill the database with demo content (safe to run again), or with generated scale
    data (--scale; adds a platform each time it runs)."""
    if scale is not None:
        _seed_scale(scale, seed)
        return
    if not demo:
        raise LecternError(
            "say what to seed: `lectern db seed --demo` loads the demo school, "
            "`lectern db seed --scale small|medium|large` generates scale data"
        )
    from lectern.seed import demo as demo_seed
    from lectern.seed import demo_content

    url = database_url()
    _require_migrated(url)
    counts = asyncio.run(demo_seed.seed(url, console=console))
    if counts:
        table = Table(title="Demo content added")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for what, added in counts.items():
            table.add_row(what, str(added))
        console.print(table)
    else:
        console.print("Nothing to add: the demo school is already there.")
    console.print(
        f"Sign in as {demo_content.ADMIN[1]} (admin), grace@lectern.test (instructor) or "
        f"alan@lectern.test (student); every demo password is {demo_content.DEMO_PASSWORD}"
    )


def _seed_scale(size: str, seed: int) -> None:
    from lectern.seed import scale as scale_seed

    if size not in scale_seed.SIZES:
        raise LecternError(f"--scale is one of {', '.join(scale_seed.SIZES)}, not {size!r}")
    url = database_url()
    _require_migrated(url)
    plan = scale_seed.Plan.preset(size, seed=seed)
    console.print(
        f"Generating {size} scale data in {_where()}: {plan.users:,} users, "
        f"{plan.courses:,} courses, {plan.enrollments:,} enrollments ..."
    )
    report = asyncio.run(scale_seed.generate(url, plan))
    table = Table(title="Scale data added")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("rows/s", justify="right")
    for name, stats in report.tables.items():
        rate = stats.rows / stats.seconds if stats.seconds else 0.0
        table.add_row(name, f"{stats.rows:,}", f"{rate:,.0f}")
    console.print(table)
    console.print(
        f"{report.rows():,} rows in {report.total_seconds:.1f} s. Every password is "
        f"{scale_seed.SCALE_PASSWORD} (e-mails u<id>@scale.test)."
    )


@users_app.command("create-admin")
@reports_errors
def users_create_admin(
    email: Annotated[str, typer.Option(help="The admin's e-mail address.")],
    password: Annotated[
        str,
        typer.Option(
            help="At least 10 characters mixing three kinds.",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
        ),
    ],
    name: Annotated[str, typer.Option(help="Display name.")] = "Administrator",
    username: Annotated[
        str | None, typer.Option(help="Username (default: from the e-mail).")
    ] = None,
) -> None:
    """Create an administrator account (active, e-mail verified)."""
    from lectern import db, runtime
    from lectern.models import User
    from lectern.users import service as users

    url = database_url()
    _require_migrated(url)

    async def create() -> User:
        async with runtime.database(url) as sessions, db.unit_of_work(sessions) as session:
            return await users.create_admin(
                session, email=email, password=password, name=name, username=username
            )

    user = asyncio.run(create())
    console.print(f"Created admin {user.username} <{user.email}>.")


@audit_app.command("money")
@reports_errors
def audit_money() -> None:
    """Check the books: orders and their items, refunds, credit notes, earnings, invoice and
    credit-note numbers, coupon counts. Names every row that breaks a rule and exits 1."""
    from lectern import db, runtime
    from lectern.commerce import audit as commerce
    from lectern.earnings import audit as earnings
    from lectern.invoices import audit as invoices

    url = database_url()
    _require_migrated(url)

    async def check() -> list[str]:
        async with runtime.database(url) as sessions, db.unit_of_work(sessions) as session:
            found = []
            for rules in (commerce, earnings, invoices):
                found += await rules.problems(session)
            return found

    problems = asyncio.run(check())
    for problem in problems:
        console.print(f"[red]✗[/red] {problem}", highlight=False)
    if problems:
        console.print(f"{len(problems)} problem(s) in the books of {_where()}.")
        raise typer.Exit(1)
    console.print(f"The books of {_where()} balance.")


@credentials_app.command("rotate-key")
@reports_errors
def credentials_rotate_key() -> None:
    """Retire the key that signs credentials and make a new one; the retired key stays
    published, so the credentials it signed still verify."""
    from lectern import db, runtime
    from lectern.certificates.credentials import keys

    url = database_url()
    _require_migrated(url)

    async def rotate() -> str:
        async with runtime.database(url) as sessions, db.unit_of_work(sessions) as session:
            return (await keys.rotate(session)).kid

    console.print(f"Credentials are signed with key {asyncio.run(rotate())} from now on.")


def _require_migrated(url: str) -> None:
    if any(not rev.applied for rev in migrate.status(url)):
        raise LecternError(f"{_where()} has pending migrations: run `lectern db migrate` first")


if __name__ == "__main__":  # `python -m lectern.cli`
    app()
