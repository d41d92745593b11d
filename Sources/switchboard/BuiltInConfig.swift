/// What `serve` runs with no config file: the quick start, so a first run needs nothing but
/// Swift. Kept identical to examples/quickstart.yaml (a test checks that).
enum BuiltInConfig {
    static let quickstart = """
    # Switchboard quick start: two built-in demo MCP servers behind one endpoint.
    listen: 127.0.0.1:8080
    store: sqlite:switchboard.db
    demo:
      http: 127.0.0.1:8091          # the built-in demo server, served in-process over Streamable HTTP
    servers:
      notes:                        # the demo server over stdio, spawned and supervised by the gateway
        stdio:
          command: ${SWITCHBOARD_BIN}
          args: [demo-server, --transport, stdio, --name, notes]
      clock:                        # the in-process demo server above, over Streamable HTTP
        url: http://127.0.0.1:8091/mcp

    """
}
