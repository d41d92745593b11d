"""The boxes a load runs against: the bench upstream alone (direct), nginx in front of it, or
Switchboard in front of one or more upstreams. The peer gateways are in peers.py."""
import shutil
import ssl
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import nginx, processes, procfs, waits
from .ports import free_port
from .run import die

# Scenario 9's governance: every request carries an API key (looked up in the in-memory key
# directory), every call is decided by a policy of five rules (the allowing one with an argument
# predicate) and admitted by two quota limits (a token bucket with a concurrency limit per key,
# a daily budget per tenant), sized never to refuse. {store} is the SQLite file.
GOVERNANCE_YAML = """store: sqlite:{store}
auth:
  anonymous: false
policy:
  default: deny
  rules:
    - {{ id: no-admin-tools, effect: deny, tools: ["*__admin_*"] }}
    - {{ id: no-shell, effect: deny, tools: ["*__exec", "*__shell"] }}
    - {{ id: ops-anything, effect: allow, roles: [ops] }}
    - {{ id: auditors-read, effect: allow, roles: [auditor], annotations: {{ readOnlyHint: true }} }}
    - id: agents-echo
      effect: allow
      roles: [agent]
      tools: [bench__echo]
      arguments:
        - {{ pointer: /text, max_length: 1000 }}
quotas:
  limits:
    - {{ id: per-key, per: principal, rate: 1000000/s, burst: 1000000, concurrency: 10000 }}
    - {{ id: per-tenant, per: tenant, daily_budget: 1000000000 }}
"""


@dataclass(frozen=True)
class StackSpec:
    """What to start for a row."""
    target: str                        # direct, nginx or switchboard
    era: str | None = None             # the upstream's (legacy if None)
    servers: tuple = ("bench",)        # upstream names; direct and nginx use the first only
    tools: int | None = None           # tools each upstream lists (1 if None)
    stdio: bool = False                # switchboard spawns the upstream over stdio
    governed: bool = False             # switchboard with GOVERNANCE_YAML, an API key on every call
    gateway_yaml: str = ""             # more switchboard configuration
    tls: bool = False                  # the upstream serves https with a certificate from a throwaway CA
    oauth: bool = False                # with tls: the upstream wants OAuth tokens, the server is per_user, each call a caller's own
    traces: float | None = None        # switchboard sends spans, this share of traces sampled, to an OTLP sink of the bench's own
    path: str = "/mcp"                 # switchboard's endpoint for the load (a virtual server's /mcp/NAME)
    openapi: bool = False              # switchboard reaches the upstream's REST echo through an OpenAPI document


@dataclass
class Stack:
    """What a load runs against. BOX is the process whose CPU and memory are measured; PROCS
    are stopped in reverse order of start when the stack is left."""
    url: str
    box: int = 0
    procs: list = field(default_factory=list)
    tool_prefix: str = ""              # "bench__" through the gateway
    headers: tuple = ()
    whole_tree: bool = False           # measure BOX's whole process tree (peers with workers)
    grace: float = 5.0                 # seconds each process gets to stop on SIGTERM,
    leftovers: float = 2.0             # and what it leaves in its process group after it
    description: str = ""

    def box_pids(self):
        return procfs.tree(self.box) if self.whole_tree else [self.box]

    def stop(self):
        for proc in reversed(self.procs):
            processes.stop(proc, self.grace, self.leftovers)
        self.procs.clear()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def bench_certificate(run):
    """A throwaway CA and a certificate for 127.0.0.1 it issued, made once per run with the
    openssl command; (CA file, certificate file, key file)."""
    folder = run.dir / "tls"
    ca, cert, key = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    if cert.exists():
        return ca, cert, key
    folder.mkdir(exist_ok=True)
    (folder / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    steps = [
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", folder / "ca.key",
         "-out", ca, "-days", "2", "-subj", "/CN=switchboard bench CA"],
        ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", folder / "server.csr",
         "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", folder / "server.csr", "-CA", ca, "-CAkey", folder / "ca.key", "-CAcreateserial", "-out", cert,
         "-days", "2", "-extfile", folder / "server.ext"],
    ]
    with open(folder / "openssl.log", "w") as log:
        for step in steps:
            if subprocess.run(["openssl"] + [str(a) for a in step], stdout=log, stderr=log).returncode != 0:
                die(f"could not make the bench certificate (see {folder / 'openssl.log'})")
    return ca, cert, key


def start_upstream(run, name="bench", tools=None, era=None, tls=None, oauth=False):
    """An HTTP bench upstream on a port it picks itself, https with TLS = (cert, key), its own
    authorization server with OAUTH; (process, port)."""
    argv = [run.tool, "upstream", "--transport", "http", "--port", "0", "--name", name] + (["--oauth"] if oauth else [])
    argv += ["--tools", tools] if tools else []
    argv += ["--era", era] if era else []
    argv += ["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []
    proc = run.spawn(f"upstream-{name}", argv)
    return proc, int(waits.line(proc, proc.err, r"^READY [0-9]+", run.ready_secs).split()[1])


def http_server(name, port, ca=None, oauth=False):
    if oauth:
        return (f'  {name}: {{ url: "https://127.0.0.1:{port}/mcp", tls: {{ ca_file: "{ca}" }}, '
                'credentials: { oauth: { mode: per_user } } }')
    if ca:
        return f'  {name}: {{ url: "https://127.0.0.1:{port}/mcp", tls: {{ ca_file: "{ca}" }} }}'
    return f'  {name}: {{ url: "http://127.0.0.1:{port}/mcp" }}'


# Scenario 15: the bench upstream's POST /rest/echo described as one operation, echo, whose
# body is {text} and whose answer is the same object.
BENCH_OPENAPI = """openapi: 3.1.0
info: {title: bench REST echo, version: '1'}
paths:
  /rest/echo:
    post:
      operationId: echo
      summary: Echo the text back
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [text], properties: {text: {type: string}}}
      responses:
        '200':
          description: the same object
          content:
            application/json:
              schema: {type: object, properties: {text: {type: string}}}
"""


def openapi_server(run, name, port):
    document = run.dir / "bench-openapi.yaml"
    document.write_text(BENCH_OPENAPI)
    return f'  {name}: {{ openapi: "{document}", base_url: "http://127.0.0.1:{port}" }}'


def stdio_server(run, name):
    return f'  {name}: {{ stdio: {{ command: "{run.tool}", args: [upstream, --transport, stdio, --name, {name}] }} }}'


def start_otlp_sink(run):
    """An OTLP/HTTP endpoint that takes every export (benchkit/otlp_sink.py); (process, port)."""
    proc = run.spawn("otlp-sink", [sys.executable, Path(__file__).with_name("otlp_sink.py")])
    return proc, int(waits.line(proc, proc.err, r"^READY [0-9]+", run.ready_secs).split()[1])


def start_gateway(run, servers, extra_yaml="", before=None):
    """Switchboard with those servers: lines; waits until every server is ready; (process, port).
    BEFORE(config, port), if given, runs once the gateway serves and before the wait for its
    servers (the OAuth row connects them there)."""
    port = free_port()
    config = run.dir / "switchboard.yaml"
    # Each gateway starts its audit journal afresh: runs would otherwise fill the disk.
    shutil.rmtree(run.dir / "switchboard-audit", ignore_errors=True)
    config.write_text("listen: 127.0.0.1:%d\n%s\nservers:\n%s\n" % (port, extra_yaml.rstrip("\n"), "\n".join(servers)))
    proc = run.spawn("switchboard", [run.gateway, "serve", "--config", config, "--log-level", "error"])
    waits.serving(proc, f"http://127.0.0.1:{port}/healthz", run.ready_secs)
    if before:
        before(config, port)
    ready = 0

    def all_ready():
        nonlocal ready
        ready = (waits.get(f"http://127.0.0.1:{port}/readyz", 1) or "").count('"state":"ready"')
        return ready >= len(servers)

    waits.until(proc, run.ready_secs, 0.05, all_ready, f"gateway on port {port} exited",
                lambda: f"gateway on port {port}: {ready} of {len(servers)} servers ready after {run.ready_secs:g}s")
    return proc, port


def api_key(run, config):
    """A fresh API key (role agent, tenant bench) in the store CONFIG names."""
    with open(run.dir / "keys.err", "a") as err:
        made = subprocess.run([str(run.gateway), "keys", "create", "--config", str(config), "--name", "bench",
                               "--role", "agent", "--tenant", "bench"], stdout=subprocess.PIPE, stderr=err, text=True)
    if made.returncode != 0 or not made.stdout.strip():
        die(f"could not create the bench API key (see {run.dir / 'keys.err'})")
    return made.stdout.strip()


# Scenario 10's OAuth row: per-user tokens need a store, seal keys and callers with API keys.
OAUTH_YAML = """store: sqlite:{store}
auth:
  anonymous: false
sessions:
  seal_keys: ["the bench's seal key, 32 characters or more"]
"""


def keyed_config(run, stack, name, template):
    """TEMPLATE with a fresh store NAME.db, and an API key in it that every call of the load
    carries: made before the gateway starts, so its first load finds the key. The YAML."""
    for old in run.dir.glob(f"{name}.db*"):
        old.unlink()
    config = run.dir / f"{name}.yaml"
    config.write_text(template.format(store=run.dir / f"{name}.db"))
    stack.headers = (f"Authorization: Bearer {api_key(run, config)}",)
    return config.read_text()


def connect_oauth(run, config, ca, as_key=None):
    """The consent `switchboard connect` asks for, done as a browser would: the gateway's link,
    the bench upstream's authorization server (which consents at once), back to the gateway."""
    argv = [str(run.gateway), "connect", "bench", "--config", str(config)] + (["--as", as_key] if as_key else [])
    with open(run.dir / "connect.err", "a") as err:
        made = subprocess.run(argv, stdout=subprocess.PIPE, stderr=err, text=True)
    if made.returncode != 0:
        die(f"switchboard connect failed (see {run.dir / 'connect.err'})")
    browser = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=str(ca))))
    with browser.open(made.stdout.strip(), timeout=30) as page:
        if page.status != 200 or b"Connected" not in page.read():
            die("the OAuth consent did not end on the gateway's Connected page")


def start(run, spec):
    """The stack SPEC describes, started; on any failure what was started is stopped again."""
    stack = Stack(url="")
    try:
        _start(run, spec, stack)
    except BaseException:
        stack.stop()
        raise
    return stack


def _start(run, spec, stack):
    if spec.stdio:
        gateway, port = start_gateway(run, [stdio_server(run, "bench")], spec.gateway_yaml)
        stack.procs.append(gateway)
        stack.url, stack.box, stack.tool_prefix = f"http://127.0.0.1:{port}{spec.path}", gateway.pid, "bench__"
        return
    upstreams = []
    ca, cert, key = bench_certificate(run) if spec.tls else (None, None, None)
    for name in spec.servers if spec.target == "switchboard" else spec.servers[:1]:
        proc, port = start_upstream(run, name, spec.tools, spec.era, (cert, key) if spec.tls else None, spec.oauth)
        stack.procs.append(proc)
        upstreams.append((name, port))
    if spec.target == "direct":
        stack.url, stack.box = f"http://127.0.0.1:{upstreams[0][1]}/mcp", stack.procs[0].pid
    elif spec.target == "nginx":
        master, port, worker = nginx.start(run, upstreams[0][1])
        stack.procs.append(master)
        stack.url, stack.box = f"http://127.0.0.1:{port}/mcp", worker
    else:
        extra = spec.gateway_yaml
        if spec.traces is not None:
            sink, sink_port = start_otlp_sink(run)
            stack.procs.append(sink)
            extra += f"traces:\n  endpoint: http://127.0.0.1:{sink_port}\n  sample_ratio: {spec.traces}\n"
        if spec.governed:
            extra = keyed_config(run, stack, "governance", GOVERNANCE_YAML) + extra
        before = None
        if spec.oauth:
            extra = keyed_config(run, stack, "oauth", OAUTH_YAML) + extra

            def before(config, port):
                # The gateway's own connection reads the catalogue; the caller's is the load's.
                connect_oauth(run, config, ca)
                connect_oauth(run, config, ca, as_key="bench")
                # Else every call would be answered with a consent link, cheaply and wrongly.
                if "1 caller(s) connected" not in (waits.get(f"http://127.0.0.1:{port}/readyz", 1) or ""):
                    die("the bench caller's OAuth connection is not in force after its consent")
        servers = [openapi_server(run, name, port) if spec.openapi else http_server(name, port, ca, spec.oauth) for name, port in upstreams]
        gateway, port = start_gateway(run, servers, extra, before)
        stack.procs.append(gateway)
        stack.url, stack.box, stack.tool_prefix = f"http://127.0.0.1:{port}{spec.path}", gateway.pid, f"{spec.servers[0]}__"
