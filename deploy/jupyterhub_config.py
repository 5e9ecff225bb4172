"""JupyterHub for a class on one server (a VM, or The Littlest JupyterHub's machine).

    EMLIB_COURSE_REPO=https://github.com/YOU/em-course-student jupyterhub -f deploy/jupyterhub_config.py

What a student gets:
- the student edition: the default URL of every server is an nbgitpuller link that pulls the course
  repository EMLIB_COURSE_REPO (branch EMLIB_COURSE_BRANCH, default ``main``) into ``emlib-student/`` and
  opens its notebooks in JupyterLab. Publish the student edition there: unzip
  ``build/emlib-student.zip`` (``book/student_edition.py --zip``) into that repository and push. Never the
  full edition: it holds the solutions. nbgitpuller merges later pushes without overwriting what a
  student changed;
- per-student limits, from deploy/sizing.json (measured by benchmarks/bench_classroom.py; the lecturer's
  guide has the table): SystemdSpawner enforces ``mem_limit`` (systemd MemoryMax: past it the kernel is
  killed, and the server restarts it) and ``cpu_limit`` (CPUQuota: a student who floods their kernel gets at
  most that many cores). Other spawners may ignore both (LocalProcessSpawner only passes them on as the
  MEM_LIMIT and CPU_LIMIT variables);
- one BLAS thread per kernel: on a shared server, threads beyond one per student only contend.
- kernels on Unix sockets (``--KernelManager.transport=ipc``): no TCP port to collide when a class starts
  its kernels at once;

What the hub does:
- jupyterhub-idle-culler stops a server idle for ``cull.timeout`` seconds (checked every ``cull.every``)
  and frees its memory; what the student saved stays in their home;
- a restart of the hub (an upgrade, a configuration change) leaves running servers alone (cleanup_servers),
  and the proxy runs as a service of its own (should_start = False; the command is below): students keep
  working through the restart, and the new hub finds their servers.

Authentication is JupyterHub's default (PAM: the machine's accounts); put your institution's
authenticator here. Python packages (the hub's environment): ``pip install -e ".[hub]"`` from a clone;
the proxy: ``npm ci --prefix deploy`` (configurable-http-proxy, pinned in deploy/package-lock.json), and
its token: CONFIGPROXY_AUTH_TOKEN, the same secret in the proxy's and the hub's environment.
"""
import json
import os
import pathlib
import sys
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
SIZING = json.loads((HERE / "sizing.json").read_text())
LIMITS, CULL = SIZING["limits"], SIZING["cull"]
COURSE_DIR = "emlib-student"

c = get_config()  # noqa: F821  (defined by JupyterHub when it loads this file)


def course_link(repo, branch="main"):
    """The nbgitpuller path (relative to a student's server) that pulls ``repo`` and opens its notebooks."""
    query = {"repo": repo, "branch": branch, "targetpath": COURSE_DIR, "urlpath": f"lab/tree/{COURSE_DIR}/notebooks"}
    return "/git-pull?" + urllib.parse.urlencode(query)


try:
    COURSE_REPO = os.environ["EMLIB_COURSE_REPO"]
except KeyError:
    raise SystemExit("deploy/jupyterhub_config.py: set EMLIB_COURSE_REPO to the git URL of the repository that holds "
                     "the student edition (book/student_edition.py --zip, unzipped and pushed)") from None

# ------------------------------------------------------------------ what a student gets
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.Spawner.default_url = course_link(COURSE_REPO, os.environ.get("EMLIB_COURSE_BRANCH", "main"))
c.Spawner.mem_limit = LIMITS["mem_limit"]
c.Spawner.cpu_limit = LIMITS["cpu_limit"]
c.Spawner.environment = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Kernels talk to their server over Unix sockets, not TCP ports: with a class starting kernels at once, a TCP port
# picked as free can be taken before the kernel binds it, and a kernel died of it at 10 students in our load test.
# The sockets live in the runtime folder, whose path must stay short (a Unix socket path has at most 107 bytes):
# /tmp/jupyter-runtime is short, and with isolate_tmp each student's /tmp is their own.
c.Spawner.args = ["--KernelManager.transport=ipc"]
c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = "/tmp/jupyter-runtime"
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.disable_user_sudo = True

# ------------------------------------------------------------------ what the hub does
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL['timeout']}",
                f"--cull-every={CULL['every']}", "--concurrency=5"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "description": "find idle servers and stop them",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.cleanup_servers = False
# The proxy runs as its own service, so that a hub restart leaves the students' connections open (a proxy the hub
# starts is restarted with it, and messages in flight are lost). Run it, with the same CONFIGPROXY_AUTH_TOKEN in
# both environments, as
#   deploy/node_modules/.bin/configurable-http-proxy --ip 0.0.0.0 --port 8000 --api-ip 127.0.0.1 --api-port 8001 \
#       --default-target http://127.0.0.1:8081 --error-target http://127.0.0.1:8081/hub/error
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:8001"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = 8081
