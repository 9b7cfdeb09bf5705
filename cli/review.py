"""``kiemchung review``: start the review and analyst web app (uvicorn, 127.0.0.1:8000)."""

from __future__ import annotations

import argparse
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


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from dashboards.app import create_app
    from dashboards.users import UserStore

    settings = load_settings()
    if settings.secret_key == "dev-only-secret-change-me" and args.host not in ("127.0.0.1",
                                                                                 "localhost"):
        print("kiemchung review: set KIEMCHUNG_SECRET_KEY before listening beyond localhost",
              file=sys.stderr)
        return 2
    users = UserStore.in_data_dir(settings.data_dir)
    if not users.all():
        print("kiemchung review: chưa có tài khoản nào; tạo bằng "
              "`kiemchung users add NAME --role reviewer` (no users yet)", file=sys.stderr)
    app = create_app(
        settings, users=users, secure_cookies=args.secure_cookies or bool(args.ssl_certfile)
    )
    scheme = "https" if args.ssl_certfile else "http"
    print(f"Kiểm Chứng review UI: {scheme}://{args.host}:{args.port}/", file=sys.stderr)
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="info",
        ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
    )
    return 0
