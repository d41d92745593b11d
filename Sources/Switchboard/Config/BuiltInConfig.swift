/// What `serve` runs with no config file: the quick start, so a first run needs nothing but
/// Swift. Kept identical to examples/quickstart.yaml (a test checks that).
public enum BuiltInConfig {
    public static let quickstart = """
    # yaml-language-server: $schema=../docs/config.schema.json
    #
    # Quick start: two built-in demo servers behind one gateway, nothing to install but Swift.
    #
    #   swift run switchboard serve --config examples/quickstart.yaml
    #
    # Then point an MCP client at http://127.0.0.1:8080/mcp: it sees the tools of both servers,
    # named notes__… and clock__…. `switchboard serve` without a config file runs this same setup.

    listen: 127.0.0.1:8080

    # The built-in demo server, served by the gateway process itself over Streamable HTTP.
    demo:
      http: 127.0.0.1:8091

    servers:
      # Spawned by the gateway over stdio. `serve` sets SWITCHBOARD_BIN to its own executable,
      # so this works without switchboard on PATH (e.g. under `swift run`).
      notes:
        stdio:
          command: ${SWITCHBOARD_BIN}
          args: [demo-server, --transport, stdio, --name, notes]

      # The in-process demo server above, reached over Streamable HTTP.
      clock:
        url: http://127.0.0.1:8091/mcp

    """
}
