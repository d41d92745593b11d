"""A minimal MCP client over Streamable HTTP, for the few requests the harness sends itself: a
cold tools/list timed (scenario 4) and a peer's check that echo works before it is measured."""
import http.client
import json
import time
import urllib.parse


class ProtocolError(Exception):
    pass


class Session:
    def __init__(self, url, headers=(), client="bench"):
        self.url = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        for header in headers:
            name, value = header.split(":", 1)
            self.headers[name.strip()] = value.strip()
        self.client = client

    def exchange(self, body):
        """POSTs BODY; the response and its text, read in full."""
        self.connection.request("POST", self.url.path, json.dumps(body), self.headers)
        response = self.connection.getresponse()
        return response, response.read().decode(errors="replace")

    @staticmethod
    def message(text, id):
        """The JSON-RPC message answering ID, whether the body is JSON or an SSE stream."""
        if text.lstrip().startswith("{"):
            return json.loads(text)
        messages = [json.loads(l[5:]) for l in text.splitlines() if l.startswith("data:")]
        answers = [m for m in messages if m.get("id") == id] or messages
        if not answers:
            raise ProtocolError("no JSON-RPC message in the answer")
        return answers[-1]

    def request(self, id, method, params=None):
        """The result of a request; ProtocolError on an HTTP or JSON-RPC error."""
        body = {"jsonrpc": "2.0", "id": id, "method": method, **({} if params is None else {"params": params})}
        response, text = self.exchange(body)
        if response.status != 200:
            raise ProtocolError("%s -> HTTP %d: %s" % (method, response.status, text[:200]))
        message = self.message(text, id)
        if "error" in message:
            raise ProtocolError("%s -> %s" % (method, json.dumps(message["error"])[:200]))
        return message.get("result", {})

    def initialize(self):
        body = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": self.client, "version": "1"}}}
        response, text = self.exchange(body)
        if response.getheader("Mcp-Session-Id"):
            self.headers["Mcp-Session-Id"] = response.getheader("Mcp-Session-Id")
        try:
            version = self.message(text, 1).get("result", {}).get("protocolVersion")
        except (ProtocolError, ValueError):
            version = None
        self.headers["MCP-Protocol-Version"] = version or "2025-06-18"
        self.exchange({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return response, text


def first_list(url):
    """One session, then its first tools/list: (latency in µs, tools listed). A list that fails
    counts as 0 tools, which the cold row reports as an error."""
    session = Session(url, client="bench-cold")
    session.initialize()
    start = time.perf_counter()
    _, text = session.exchange({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    elapsed = (time.perf_counter() - start) * 1e6
    try:
        tools = session.message(text, 2).get("result", {}).get("tools", [])
    except (ProtocolError, ValueError):
        tools = []
    return int(elapsed), len(tools)


def probe_echo(url, headers=()):
    """initialize, tools/list, then a call of the one tool named echo (or ending in "echo", as
    gateways prefix names) with {"text":"hello"}; that tool's name. ProtocolError if any step
    fails."""
    session = Session(url, headers, client="bench-peers")
    response, text = session.initialize()
    if response.status != 200:
        raise ProtocolError("initialize -> HTTP %d: %s" % (response.status, text[:200]))
    names = [t["name"] for t in session.request(2, "tools/list").get("tools", [])]
    echo = [n for n in names if n == "echo"] or [n for n in names if n.endswith("echo")]
    if len(echo) != 1:
        raise ProtocolError("no single echo tool in tools/list: %s" % names)
    result = session.request(3, "tools/call", {"name": echo[0], "arguments": {"text": "hello"}})
    if result.get("isError") or [c.get("text") for c in result.get("content", [])] != ["hello"]:
        raise ProtocolError("tools/call %s returned %s" % (echo[0], json.dumps(result)[:200]))
    return echo[0]
