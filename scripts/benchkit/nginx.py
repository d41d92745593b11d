"""nginx as the plain reverse proxy the gateway is compared with: found or installed from
Debian, configured, started."""
import os
import shutil
import subprocess
from pathlib import Path

from . import procfs, waits
from .ports import free_port
from .run import die

CONFIG = """worker_processes 1;
worker_rlimit_nofile 65536;
pid {dir}/nginx.pid;
error_log {dir}/error.log error;
events {{ worker_connections 16384; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    keepalive_requests 10000000;
    upstream mcp {{
        server 127.0.0.1:{upstream};
        keepalive 64;
        keepalive_requests 10000000;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://mcp;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }}
    }}
}}
"""


def find():
    """The nginx binary, or None."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return Path(found) if os.access(found, os.X_OK) else None


def as_root(argv):
    return argv if os.geteuid() == 0 else ["sudo", *argv]


def apt_install(packages, log, log_file):
    """apt-get install, with an apt-get update only if the first try fails (a stale index)."""
    log("installing from Debian: " + " ".join(packages))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = as_root(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages])
    with open(log_file, "w") as out:
        def step(argv):
            return subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env).returncode == 0
        if not (step(install) or (step(as_root(["apt-get", "update", "-qq"])) and step(install))):
            die(f"apt-get install {' '.join(packages)} failed (see {log_file})")


def install(log, log_file):
    """Installs nginx; Debian's postinst may start the packaged nginx on port 80, which is
    stopped again."""
    apt_install(["nginx"], log, log_file)
    try:
        pid = int(Path("/run/nginx.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return
    if procfs.alive(pid):
        log("stopping the nginx service the package started")
        if subprocess.run(as_root(["/usr/sbin/nginx", "-s", "quit"]), stderr=subprocess.DEVNULL).returncode != 0:
            subprocess.run(as_root(["kill", "-TERM", str(pid)]))


def version(binary):
    if binary is None:
        return "not installed"
    text = subprocess.run([str(binary), "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    return text.strip().removeprefix("nginx version: nginx/")


def start(run, upstream_port):
    """nginx with one worker in front of the upstream; (master process, port, worker pid)."""
    directory = run.dir / "nginx"
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = directory / "nginx.conf"
    config.write_text(CONFIG.format(dir=directory, upstream=upstream_port, port=port))
    master = run.spawn("nginx", [run.nginx, "-e", directory / "error.log", "-p", directory, "-c", config,
                                 "-g", "daemon off;"])
    waits.serving(master, f"http://127.0.0.1:{port}/", run.ready_secs)
    # The worker, not the master, serves the traffic: it is the box measured.
    workers = waits.until(master, run.ready_secs, 0.05, lambda: [p for p in procfs.group(master.pid) if p != master.pid],
                          "nginx exited", "nginx started no worker")
    return master, port, workers[0]
