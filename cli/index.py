"""``kiemchung index``: set up the store, show its state, write what waits in the local spool."""

from __future__ import annotations

import argparse

from core.clock import now_utc
from core.settings import Settings, load_settings
from index.factory import open_store
from index.retention import enforce_retention
from index.spool import Spool
from index.store import StoreUnavailable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "index", help="quản lý kho (set up the index, status, spool, migrate, retention)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("setup", help="create indices and aliases (safe to rerun)")
    actions.add_parser("status", help="items per label, and batches waiting in the spool")
    actions.add_parser("flush", help="write the batches kept on disk while the store was down")
    actions.add_parser(
        "migrate", help="build a new versioned index from the current schema and switch the alias"
    )
    actions.add_parser(
        "compact", help="merge the search index after a large load (a backfill, a big spool)"
    )
    actions.add_parser(
        "retention", help="delete items older than KIEMCHUNG_RETENTION_DAYS (audit log kept)"
    )
    dead = actions.add_parser("dead-letters", help="items the store refused, with the reason")
    dead.add_argument("--limit", type=int, default=100)
    parser.set_defaults(handler=run)


def _where(settings: Settings) -> str:
    if settings.uses_elasticsearch:
        return f"Elasticsearch {settings.es_url} (prefix {settings.index_prefix})"
    return f"SQLite {settings.sqlite_path}"


def _print_progress(copied: int, total: int) -> None:
    share = f" ({copied / total:.0%})" if total else ""
    print(f"  copied {copied:,} of {total:,} items{share}", flush=True)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    spool = Spool(settings.data_dir / "spool")
    try:
        store = open_store(settings)
    except StoreUnavailable as exc:
        print(f"kiemchung index: {exc}")
        print(f"{len(spool.pending())} batches wait in {spool.directory}")
        return 1
    try:
        if args.action == "setup":
            print(f"ready: {_where(settings)}")
        elif args.action == "status":
            print(_where(settings))
            print(f"items: {store.count()}")
            for label, count in sorted(store.count_by_label().items()):
                print(f"  {label:<20} {count}")
            print(f"batches waiting in the spool: {len(spool.pending())}")
            if getattr(store, "items_schema_behind", False):
                print("the items index was made by an older schema: run `kiemchung index "
                      "migrate` to rebuild it (phrase search is faster after it)")
        elif args.action == "migrate":
            print(f"migrating the items of {_where(settings)} to a fresh index of the current "
                  "schema (searches and writes keep working)…", flush=True)
            report = store.migrate(progress=_print_progress)
            print(f"migrated {report.copied} items from {report.source} to {report.target}"
                  f" ({report.caught_up} caught up after the copy)")
            if report.segments is not None:
                print(f"segments of the new index: {report.segments[0]} after the copy, "
                      f"{report.segments[1]} after the merge")
        elif args.action == "compact":
            print(f"merging the search index of {_where(settings)} (searches keep working)…",
                  flush=True)
            compacted = store.compact()
            if compacted.segments_before is None:
                print(f"compacted {compacted.target}")
            else:
                print(f"compacted {compacted.target}: {compacted.segments_before} segments → "
                      f"{compacted.segments_after}")
        elif args.action == "retention":
            removed = enforce_retention(store, settings.retention_days, now_utc())
            print(f"deleted {removed} items older than {settings.retention_days} days"
                  if settings.retention_days else "retention is off (KIEMCHUNG_RETENTION_DAYS=0)")
        elif args.action == "dead-letters":
            letters = store.dead_letters(limit=args.limit)
            for letter in letters:
                print(f"{letter.at.isoformat()}  {letter.item_id}  {letter.reason}")
            print(f"{len(letters)} dead letters")
        else:
            result = spool.flush(store)
            print(f"written {result.written}; rejected {len(result.failed)}; "
                  f"batches left {result.files_left}")
            return 0 if not result.failed else 1
    except StoreUnavailable as exc:  # lost mid-way (a long compact or migration): say so
        print(f"kiemchung index {args.action}: {exc}")
        return 1
    finally:
        store.close()
    return 0
