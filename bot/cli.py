"""The ``kith`` command: run, console, migrate, backup, restore, health."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dotenv import dotenv_values

from bot.scheduling.timezones import UnknownTimeZone, canonical_zone
from bot.settings import Settings, SettingsError
from bot.store.faults import StorageFault


def _environment() -> dict[str, str]:
    """The process environment over an optional ``.env`` in the working directory."""
    env = (
        {k: v for k, v in dotenv_values(".env").items() if v is not None}
        if Path(".env").is_file()
        else {}
    )
    env.update(os.environ)
    return env


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kith", description="Kith: a peer-support bot for Discord and Slack communities."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "run",
        help="start the bot (the platform comes from KITH_PLATFORM or the "
        "configured credentials; console when none are set)",
    )
    console = sub.add_parser("console", help="a local community in the terminal")
    console.add_argument(
        "--db", help="database file to keep state between runs (default: a fresh temporary one)"
    )
    console.add_argument("--script", help="read input lines from this file")
    console.add_argument("--json", action="store_true", help="one JSON object per bot message")
    console.add_argument("--start", help="start a simulated clock at this ISO date-time")
    console.add_argument("--tz", default="UTC", help="the community's time zone (default UTC)")
    discord = sub.add_parser("discord", help="Discord helpers (see invite-url)")
    discord_sub = discord.add_subparsers(dest="discord_command", required=True, metavar="ACTION")
    invite = discord_sub.add_parser(
        "invite-url", help="print the link that adds Kith to a server, with what it needs and why"
    )
    invite.add_argument("--client-id", help="the Application ID (default: read from DISCORD_TOKEN)")
    migrate = sub.add_parser("migrate", help="apply database migrations and exit")
    migrate.add_argument(
        "--database",
        help="database URL or SQLite path (default: KITH_DATABASE_URL or the data directory)",
    )
    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    copy = db_sub.add_parser(
        "copy", help="copy every row to an empty database, for example from SQLite to PostgreSQL"
    )
    copy.add_argument("--from", dest="source", required=True, help="source URL or SQLite path")
    copy.add_argument("--to", dest="target", required=True, help="target URL or SQLite path")
    _ops_commands(sub)
    return parser


def _ops_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser(
        "backup", help="copy the SQLite database to a file, safely while Kith is running"
    )
    backup.add_argument("target", help="the backup file to write (a folder: a dated file in it)")
    backup.add_argument("--force", action="store_true", help="replace the file if it exists")
    restore = sub.add_parser(
        "restore", help="put a backup in place of the SQLite database (stop Kith first)"
    )
    restore.add_argument("backup", help="the backup file to restore")
    sub.add_parser(
        "health",
        help="ask this Kith's /healthz (KITH_OPS_PORT): exit 0 if healthy, 1 if not",
    )
    for command in (backup, restore):
        command.add_argument(
            "--database", help="SQLite path (default: KITH_DATABASE_URL or the data directory)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "console":
            return _console(args)
        if args.command == "discord":
            return _discord_tool(args)
        if args.command in ("backup", "restore"):
            return _backup_tool(args)
        if args.command == "health":
            return _health()
        settings = Settings.from_env(_environment())
        from bot.logs import configure

        configure(settings.log_level, settings.secrets, settings.log_format)
        if args.command == "db":
            return asyncio.run(_copy(args.source, args.target))
        if args.command == "migrate":
            return asyncio.run(_migrate(args.database or settings.database_url))
        return _run(settings)
    except SettingsError as exc:
        print(f"kith: {exc}", file=sys.stderr)
        return 2
    except StorageFault as exc:  # the traceback is logged at DEBUG level where it was raised
        print(f"kith: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _migrate(url: str) -> int:
    from bot.store import open_database

    db = await open_database(url, migrate=False)
    try:
        applied = await db.migrate()
    finally:
        await db.close()
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    print(f"Database is up to date ({done}).")
    return 0


async def _copy(source_url: str, target_url: str) -> int:
    from bot.store import open_database
    from bot.store.copy import CopyError, copy_database

    source = await open_database(source_url)
    target = await open_database(target_url)
    try:
        report = await copy_database(source, target)
    except CopyError as exc:
        print(f"kith db copy: {exc}", file=sys.stderr)
        return 2
    finally:
        await source.close()
        await target.close()
    total = sum(report.rows.values())
    print(f"Copied {total} rows in {len(report.rows)} tables.")
    if report.skipped:
        print(f"Not copied (the target has no such table): {', '.join(report.skipped)}.")
    return 0


def _backup_tool(args: argparse.Namespace) -> int:
    """``kith backup`` / ``kith restore``: plain file work, no event loop, no logging set-up."""
    from bot.ops.backup import BackupError, backup, restore
    from bot.store.migrations import load_migrations

    url = args.database or Settings.from_env(_environment()).database_url
    try:
        if args.command == "backup":
            done = backup(url, Path(args.target), force=args.force)
            print(
                f"Backed up {done.source} to {done.target}: {_size(done.summary.bytes)}, "
                f"{done.summary.tables} tables, schema version {done.summary.schema_version}, "
                f"integrity check ok, in {done.seconds:.2f} s."
            )
            return 0
        latest = max(m.version for m in load_migrations("sqlite"))
        put = restore(Path(args.backup), url, latest_version=latest)
    except BackupError as exc:
        print(f"kith {args.command}: {exc}", file=sys.stderr)
        return 2
    print(
        f"Restored {put.backup} to {put.database}: {_size(put.summary.bytes)}, "
        f"schema version {put.summary.schema_version}, integrity check ok."
    )
    if put.kept is not None:
        print(f"The database it replaced is kept as {put.kept}.")
    print("Start Kith again to use it.")
    return 0


def _health() -> int:
    """The container health check: 0 healthy, 1 not (Docker reserves 2), one line saying why."""
    from bot.ops.probe import probe

    try:
        settings = Settings.from_env(_environment())
    except SettingsError as exc:
        print(f"kith health: {exc}", file=sys.stderr)
        return 1
    result = probe(settings.ops_host, settings.ops_port)
    print(result.message, file=sys.stdout if result.healthy else sys.stderr)
    return 0 if result.healthy else 1


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def _run(settings: Settings) -> int:
    if settings.platform != "console":
        return _run_platform(settings)
    banner = (
        f"Kith: {settings.platform_reason}, so this is the local console community "
        f"(database: {settings.database_url}). Set KITH_PLATFORM=discord or slack with their "
        "tokens to connect a real community. Type /kith help; Ctrl-D quits."
    )
    return asyncio.run(
        _console_session(
            settings.database_url, None, "UTC", False, None, settings=settings, banner=banner
        )
    )


def _run_platform(settings: Settings) -> int:
    """Each platform adapter has a ``run`` module with ``main(settings) -> exit code``."""
    sdk = {"discord": "discord", "slack": "slack_bolt"}[settings.platform]
    try:
        module = importlib.import_module(f"adapters.{settings.platform}.run")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == sdk:
            raise SettingsError(
                f"the {settings.platform} extra is not installed: "
                f"pip install 'kith-bot[{settings.platform}]'"
            ) from None
        raise SettingsError(
            f"the {settings.platform.capitalize()} adapter is not part of this version of Kith."
        ) from None
    result: int = module.main(settings)
    return result


def _discord_tool(args: argparse.Namespace) -> int:
    """``kith discord …``: helpers that live in the Discord adapter."""
    try:
        module = importlib.import_module("adapters.discord.invite")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == "discord":
            raise SettingsError(
                "the discord extra is not installed: pip install 'kith-bot[discord]'"
            ) from None
        raise
    result: int = module.command(args.client_id, _environment(), sys.stdout, sys.stderr)
    return result


def _console(args: argparse.Namespace) -> int:
    from adapters.console.script import ScriptError, parse_instant

    try:
        tz = canonical_zone(args.tz)
    except UnknownTimeZone as exc:
        print(f"kith console: --tz: {exc}", file=sys.stderr)
        return 2
    start = None
    if args.start:
        from bot.scheduling.timezones import zone

        try:
            start = parse_instant(args.start, zone(tz))
        except ScriptError as exc:
            print(f"kith console: --start: {exc}", file=sys.stderr)
            return 2
    script = None
    if args.script:
        try:
            # Bytes: a line that is not UTF-8 is reported and skipped, the others still run.
            script = Path(args.script).read_bytes().splitlines()
        except OSError as exc:
            print(f"kith console: cannot read {args.script}: {exc.strerror}", file=sys.stderr)
            return 2
    if args.db:
        return asyncio.run(_console_session(args.db, start, tz, args.json, script))
    with tempfile.TemporaryDirectory(prefix="kith-console-") as scratch:
        return asyncio.run(
            _console_session(str(Path(scratch) / "kith.sqlite3"), start, tz, args.json, script)
        )


async def _console_session(
    database: str,
    start: object,
    tz: str,
    as_json: bool,
    script: list[bytes] | None,
    *,
    settings: Settings | None = None,
    banner: str = "",
) -> int:
    """``settings`` (``kith run`` only): serve /healthz and /metrics if KITH_OPS_PORT is set.
    ``banner``: shown once the database is open (a database fault is then the only line)."""
    from adapters.console.runner import ConsoleClock, ConsoleCommunity
    from bot.ops.loop_watch import LoopWatch
    from bot.ops.server import start_ops, stop_ops
    from bot.shutdown import stop_on_signals

    clock = ConsoleClock(start)  # type: ignore[arg-type]
    community = await ConsoleCommunity.open(database, clock, tz, sys.stdout, sys.stderr, as_json)
    if banner:
        print(banner, file=sys.stderr)
    ops = None
    watch = None
    try:
        if settings is not None:
            watch = LoopWatch(community.kith.services.metrics).start()
            ops = await start_ops(settings, community.kith)
        stop_on_signals(community.stop)  # SIGTERM/SIGINT: finish the line in progress, exit 0
        if script is not None:
            await community.run_lines(script)
        else:  # a terminal or a pipe, line by line as it comes (the timer: in a terminal)
            await community.run_stream(sys.stdin, timer=sys.stdin.isatty())
    finally:
        await stop_ops(ops)
        if watch is not None:
            await watch.stop()
        await community.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
