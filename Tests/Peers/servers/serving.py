"""Serving a test server's ASGI app under uvicorn on a socket bound before the app exists (so
the app may know its own port), announcing `READY <port>` on stderr once it accepts."""

from __future__ import annotations

import socket
import sys
from typing import Any

import anyio
import uvicorn


def bind(host: str, port: int) -> tuple[socket.socket, int]:
    """A listening-ready socket on HOST:PORT (0 picks a free port), and its port."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock, sock.getsockname()[1]


async def serve(app: Any, sock: socket.socket, **config: Any) -> None:
    """Serves APP on SOCK until stopped; CONFIG goes to uvicorn (TLS files, for instance)."""
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", **config))

    async def announce() -> None:
        with anyio.fail_after(30):
            while not server.started:
                await anyio.sleep(0.01)
        print(f"READY {port}", file=sys.stderr, flush=True)

    async with anyio.create_task_group() as tg:
        tg.start_soon(announce)
        await server.serve(sockets=[sock])
        tg.cancel_scope.cancel()
