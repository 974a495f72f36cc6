"""`tandem check-rules` and `tandem rules adopt`: governance rules in Gherkin over the history."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from domain.errors import DomainError
from projections.governance.engine import UnusableRules, check, check_adopted, load
from projections.governance.parser import (
    RuleFileError,
    display_name,
    feature_files,
    file_digest,
)
from projections.governance.report import errors_text, render
from web.cli.console import CLI_ACTOR
from web.links import absolute
from web.params import moment
from web.settings import Settings
from web.system import Tandem


def cmd_check_rules(args: argparse.Namespace) -> int:
    if not args.paths and not args.adopted:
        print("Name rule files or folders, or use --adopted.", file=sys.stderr)
        return 2
    try:
        as_of = moment(args.as_of, "as_of")
    except DomainError as error:
        print(error.detail, file=sys.stderr)
        return 2
    tandem = Tandem(Settings.from_env(args.db))
    link = absolute(tandem.settings.base_url)
    try:
        if args.adopted:
            results = check_adopted(tandem.read, args.initiative, as_of, link=link)
        else:
            results = check(tandem.read, args.paths, args.initiative, as_of, link=link)
    except UnusableRules as error:
        print(errors_text(error.errors), end="", file=sys.stderr)
        return 2
    except DomainError as error:  # an unknown initiative
        print(error.detail, file=sys.stderr)
        return 2
    finally:
        tandem.close()
    output = render(results, args.format)
    if args.out:
        Path(args.out).write_text(output, encoding="utf-8")
        print(f"{results.exit_code and 'Violated' or 'Held'}: report written to {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(output)
    return results.exit_code


def cmd_adopt(args: argparse.Namespace) -> int:
    try:
        paths = feature_files(args.paths)
    except RuleFileError as error:
        print(error.describe(), file=sys.stderr)
        return 2
    try:
        load(paths)  # refuse to adopt a file that cannot be used
    except UnusableRules as error:
        print(errors_text(error.errors), end="", file=sys.stderr)
        return 2
    files = [{"name": display_name(p), "sha256": file_digest(p)} for p in paths]
    tandem = Tandem(Settings.from_env(args.db))
    try:
        ids = ([i["initiative"] for i in tandem.read.initiatives() if i["status"] == "open"]
               if args.all else [args.initiative])
        for iid in ids:
            tandem.record(tandem.app.adopt_rules, actor=CLI_ACTOR, initiative=iid,
                          rule_files=files)
    finally:
        tandem.close()
    for f in files:
        print(f"{f['sha256']}  {f['name']}")
    print(f"Adopted {len(files)} rule file(s) for {', '.join(ids) or 'no initiative'}.",
          file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add this module's subcommands to the `tandem` parser."""
    p = sub.add_parser("check-rules", help="check the recorded history against governance "
                                           "rules in Gherkin; exit 0 held, 1 violated, 2 unusable")
    p.add_argument("paths", nargs="*", metavar="PATH", help=".feature files or folders")
    p.add_argument("--initiative", help="only this initiative")
    p.add_argument("--as-of", help="judge the history as known at this time (ISO 8601)")
    p.add_argument("--format", choices=("text", "json", "junit", "html"), default="text")
    p.add_argument("--out", metavar="FILE", help="write the report here instead of stdout")
    p.add_argument("--adopted", action="store_true",
                   help="check each initiative against the rules adopted for it")
    p.set_defaults(run=cmd_check_rules)

    p = sub.add_parser("rules", help="governance rule sets")
    rules_sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    a = rules_sub.add_parser("adopt", help="record that rule files (name and SHA-256) apply "
                                           "to an initiative from now on")
    a.add_argument("paths", nargs="+", metavar="PATH", help=".feature files or folders")
    target = a.add_mutually_exclusive_group(required=True)
    target.add_argument("--initiative", help="the initiative adopting them")
    target.add_argument("--all", action="store_true", help="every open initiative")
    a.set_defaults(run=cmd_adopt)
