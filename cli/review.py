"""``kiemchung review``: start the review and analyst web app (uvicorn, 127.0.0.1:8000)."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review", help="start the review web app (giao diện duyệt tin) on 127.0.0.1:8000"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--ssl-certfile", help="serve https with this certificate")
    parser.add_argument("--ssl-keyfile", help="the certificate's private key")
    parser.add_argument(
        "--secure-cookies", action="store_true",
        help="mark the session cookie Secure (implied by --ssl-certfile; set it behind an "
        "https proxy)",
    )
    parser.set_defaults(handler=run)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any loopback address (127.0.0.0/8, ``::1``, ``[::1]``)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def listen_problem(host: str, *, https: bool, secure_cookies: bool) -> str | None:
    """Why the app must not listen on ``host`` like this, or ``None``: beyond loopback,
    passwords and session cookies must not cross the network in clear."""
    if is_loopback(host) or https or secure_cookies:
        return None
    return (
        f"listening on {host} over plain http would send passwords and session cookies in "
        "clear: serve https (--ssl-certfile/--ssl-keyfile), or run behind an https proxy "
        "with --secure-cookies"
    )


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from dashboards.app import create_app
    from dashboards.users import UserStore

    # Refuses an empty or short KIEMCHUNG_SECRET_KEY (with how to make one) on any interface,
    # behind a proxy or not; unset, the key kept in the data directory is used.
    settings = load_settings()
    problem = listen_problem(args.host, https=bool(args.ssl_certfile),
                             secure_cookies=args.secure_cookies)
    if problem:
        print(f"kiemchung review: {problem}", file=sys.stderr)
        return 2
    users = UserStore.in_data_dir(settings.data_dir)
    if not users.all():
        print("kiemchung review: chưa có tài khoản nào; tạo bằng "
              "`kiemchung users add NAME --role reviewer` (no users yet)", file=sys.stderr)
    app = create_app(
        settings, users=users, secure_cookies=args.secure_cookies or bool(args.ssl_certfile)
    )
    scheme = "https" if args.ssl_certfile else "http"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Kiểm Chứng review UI: {scheme}://{shown}:{args.port}/", file=sys.stderr)
    uvicorn.run(
        app, host=args.host.strip("[]"), port=args.port, log_level="info",
        ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
    )
    return 0
