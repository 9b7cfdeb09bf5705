"""``kiemchung users``: add, list, remove review UI accounts, set their roles and passwords."""

from __future__ import annotations

import argparse
import getpass
import sys

from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("users", help="manage review UI accounts (tài khoản)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["reviewer", "analyst", "admin"])
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin (no prompt)")
    actions.add_parser("list", help="list accounts and roles")
    remove = actions.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    set_role = actions.add_parser("set-role", help="change an account's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=["reviewer", "analyst", "admin"])
    set_password = actions.add_parser(
        "set-password", help="set an account's password (its signed-in sessions end)"
    )
    set_password.add_argument("name")
    set_password.add_argument("--password-stdin", action="store_true",
                              help="read the password from the first line of stdin (no prompt)")
    parser.set_defaults(handler=run)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu (password): ")
    if getpass.getpass("Nhập lại (again): ") != first:
        raise ValueError("hai mật khẩu không khớp (passwords differ)")
    return first


def run(args: argparse.Namespace) -> int:
    from dashboards.users import UserError, UserStore

    settings = load_settings()
    users = UserStore.in_data_dir(settings.data_dir)
    try:
        if args.action == "add":
            user = users.add(args.name, args.role, _password(args.password_stdin))
            users.log("cli", "user add", user.name, f"role {user.role}")
            print(f"added {user.name} ({user.role})")
        elif args.action == "list":
            for user in users.all():
                print(f"{user.name}\t{user.role}")
        elif args.action == "remove":
            users.remove(args.name)
            users.log("cli", "user remove", args.name, "ok")
            print(f"removed {args.name}")
        elif args.action == "set-role":
            user = users.set_role(args.name, args.role)
            users.log("cli", "user set-role", user.name, f"role {user.role}")
            print(f"{user.name} is now {user.role}")
        elif args.action == "set-password":
            user = users.set_password(args.name, _password(args.password_stdin))
            users.log("cli", "user set-password", user.name, "ok")
            print(f"password of {user.name} changed; its sessions ended")
    except (UserError, ValueError) as exc:
        print(f"kiemchung users: {exc}", file=sys.stderr)
        return 1
    finally:
        users.close()
    return 0
