"""FastMCP gateway for scripts/bench-peers: a proxy of the bench upstream, mounted under
namespace "bench". Run by the fastmcp venv's Python: UPSTREAM_URL PORT. It lives here, not in
scripts/benchkit, because a script's folder comes first on sys.path and benchkit's mcp.py
would shadow the mcp package FastMCP imports."""
import sys

from fastmcp import FastMCP
from fastmcp.server import create_proxy

upstream, port = sys.argv[1], int(sys.argv[2])
gateway = FastMCP("fastmcp-gateway")
gateway.mount(create_proxy(upstream, name="bench"), namespace="bench")
gateway.run(transport="http", host="127.0.0.1", port=port, show_banner=False, log_level="error")
