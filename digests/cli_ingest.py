"""The `ictdigest` commands that fill or copy the store: ingest, backup, restore."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digests.answers.common import BadArgument
from digests.cli_common import EXIT_FAILED, EXIT_OK, PROG, emit, lang_of, open_store, problem_text
from digests.store.connection import resolve_db_path
from digests.templating import render


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest every target and print the failures and the summary line."""
    targets = [t.strip() for t in args.targets if t.strip()]
    if not targets:
        raise BadArgument("empty", what="path")
    if any(len(t) > 4096 for t in targets):
        raise BadArgument("too_long", what="path", limit=4096, length=max(map(len, targets)))
    if not 1 <= args.timeout <= 3600:
        raise BadArgument(
            "out_of_range", option="--timeout", low=1, high=3600, value=f"{args.timeout:g}"
        )
    try:
        from digests.ingest import ingest
        from digests.progress import Progress, ProgressState
        from digests.sources.fetch import Fetcher
        from digests.sources.netguard import AddressPolicy
    except ImportError as exc:
        module = exc.name or str(exc).splitlines()[0][:120]
        print(problem_text(args, "missing_module", module=module), file=sys.stderr)
        return EXIT_FAILED
    lang = lang_of(args)

    def line(state: ProgressState) -> str:
        return render("ingest_report", lang=lang, fmt="txt", progress=state)

    db = open_store(args, create=True)
    progress = None if getattr(args, "json", False) else Progress(sys.stderr, render=line)
    policy = AddressPolicy(allow_private=args.allow_private)
    with Fetcher(deadline=args.timeout, policy=policy) as fetcher:
        report = ingest(db, targets, progress=progress, fetcher=fetcher, outlet=args.outlet.strip())
    emit(args, "ingest_report", report, report=report, progress=None)
    return EXIT_OK if not report.failed and not report.stopped else EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database to PATH."""
    from digests.store.backup import BackupError, backup

    try:
        result = backup(resolve_db_path(getattr(args, "db", None)), Path(args.path))
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{result.path} ({result.size_bytes / 1024 / 1024:.1f} MB, {result.seconds:.1f} s)")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore the database from a backup at PATH."""
    from digests.store.backup import BackupError, restore

    try:
        result = restore(
            Path(args.path), resolve_db_path(getattr(args, "db", None)), force=args.force
        )
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    kept = f" (previous database kept at {result.previous})" if result.previous else ""
    print(f"restored {result.path}{kept}")
    return EXIT_OK
