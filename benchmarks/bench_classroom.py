"""A class on one JupyterHub: N simulated students on a real hub on 127.0.0.1, with faults.

The hub is ``jupyterhub -f`` a small configuration that loads deploy/jupyterhub_config.py (the one a course
uses: idle culler, nbgitpuller link to the student edition, thread limits, kernels on Unix sockets) and
overrides only what a test on one machine needs: DummyAuthenticator, SimpleLocalProcessSpawner (homes in a
temporary folder), loopback ports, and an admin service token for this script. The proxy,
configurable-http-proxy from deploy/node_modules (``npm ci --prefix deploy``), runs as its own process, as
the configuration expects (``should_start = False``). The course repository that the nbgitpuller link pulls is a local git repository holding the
student edition of every notebook (book/student_edition.py), as a lecturer would publish it.

Each student, as a coroutine of this process:
- logs in through the Hub API with a token of their own (this script, an admin service, issues it);
- starts a server, follows its default URL (the deploy configuration's nbgitpuller link) and pulls the
  course as the link's page does (``git-pull/api``), then opens a session on notebook 03 as JupyterLab
  does (``POST /api/sessions``) and waits for the kernel's ``kernel_info_reply``: the time to a ready kernel;
- runs the lecture: "Run All" of the student edition of 03 (every code cell sent at once, as the front end
  does), 100 moves of the notebook's explorer slider sent as ipywidgets ``comm_msg`` updates on the
  kernel's websocket (the next move when the kernel has answered the last), saves the notebook with an
  answer typed in; then the same for 04 in a second kernel. Every student starts staggered and waits at a
  barrier before each "Run All" and each set of moves: all students press it at once (four bursts).

Measured: lectures completed (every cell ``ok``, every move answered, the save read back); time to a ready
kernel; per notebook the time from "Run All" to the last cell's reply (p50, p95); frame time, from a
move's ``comm_msg`` to the kernel's ``idle`` for it (p95); resident memory per student (server and
kernels, RSS and USS, sampled every 2 s, the peak); CPU seconds of each student's server and kernels,
and of the hub and the proxy.

Faults (``--faults``), each bounded in time and on loopback only:
- kernel: student 1's kernel of 03 is killed (SIGKILL) after the save; the server restarts it, the kernel
  answers again, and the saved notebook reads back unchanged;
- server: student 2's single-user server (and its kernels) are killed; the hub must notice (its poll; the
  configuration here polls every 5 s) and a respawn must run 04;
- hub: the hub is stopped (SIGTERM) and started again while the students run 04; their servers keep
  running through the proxy, the new hub finds them, and every student finishes;
- flood: after the lecture, student 3 sends moves to its 04 explorer without waiting (up to 1000, 2 ms
  apart) while the others make 50 more moves each; their p95 frame time then against their p95 on the same
  explorer without the flood;
- culler: the deploy configuration's culler command, with only --timeout and --cull-every
  shortened, stops every idle server.

Usage (the hub venv: ``pip install -e ".[hub]"`` and ``npm ci --prefix deploy``):
    .venv-hub/bin/python benchmarks/bench_classroom.py --students 5 10 20 --json build/classroom.json
    .venv-hub/bin/python benchmarks/bench_classroom.py --students 3 --faults
    .venv-hub/bin/python benchmarks/bench_classroom.py --write-sizing build/classroom.json   # deploy/sizing.json
(BENCH_DEBUG=1 prints each student's arrival at each burst.)
"""
import argparse
import asyncio
import json
import math
import os
import pathlib
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
CHP = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
LECTURE = ("03_em_lower_bound.ipynb", "04_em_for_gmm.ipynb")
MOVES_PER_NOTEBOOK = 100
SLIDERS = {"IntSliderModel", "FloatSliderModel"}
ANSWER = "My answer, typed during the lecture by {name}."

HUB_CONFIG = """\
# Written by benchmarks/bench_classroom.py: the course's configuration, and what a test on 127.0.0.1 needs.
load_subconfig({deploy!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {home!r}
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = list(c.Spawner.args) + {args!r}
c.Spawner.environment["EMLIB_BENCH_ID"] = {bench_id!r}
# no private /tmp per student here (no systemd): a short runtime folder of each student's own, for the kernels' sockets
c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = lambda spawner: f"/tmp/jr-{bench_id:.8}-{{spawner.user.name}}"
c.Spawner.poll_interval = 5
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.services.append({{"name": "bench", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "admin", "services": ["bench"]}})
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    """The q-th percentile (0-100) by linear interpolation between order statistics; None for no values."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


# ------------------------------------------------------------------------------------------- the hub
class Hub:
    """A real JupyterHub (and its proxy) on 127.0.0.1, in a temporary folder, with a course repository."""

    def __init__(self, work, *, log):
        self.work = pathlib.Path(work)
        self.log = log
        self.bench_id = uuid.uuid4().hex
        self.token = secrets.token_hex(32)
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.url}/hub/api"
        self.proc = None
        self.course = self.work / "course" / "emlib-student"
        self.config = self.work / "jupyterhub_config.py"

    def make_course(self):
        """The student edition of every notebook, committed to a git repository: what the link pulls."""
        sys.path.insert(0, str(ROOT / "book"))
        import student_edition

        student_edition.build(self.course / "notebooks")
        (self.course / "README.md").write_text(student_edition.STUDENT_README)
        git = ["git", "-C", str(self.course), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        subprocess.run(git[:3] + ["init", "-q", "-b", "main"], check=True)
        subprocess.run(git + ["add", "."], check=True)
        subprocess.run(git + ["commit", "-q", "-m", "student edition"], check=True)

    def write_config(self):
        (self.work / "home").mkdir(parents=True, exist_ok=True)
        self.config.write_text(HUB_CONFIG.format(
            deploy=str(DEPLOY / "jupyterhub_config.py"), port=self.port, hub_port=self.hub_port, api_port=self.api_port,
            db=self.work / "jupyterhub.sqlite",
            cookie=str(self.work / "cookie_secret"), home=str(self.work / "home" / "{username}"),
            singleuser=str(pathlib.Path(sys.executable).with_name("jupyterhub-singleuser")),
            bench_id=self.bench_id, token=self.token, args=["--allow-root"] if os.getuid() == 0 else []))

    def env(self):
        env = dict(os.environ, EMLIB_BENCH_ID=self.bench_id, EMLIB_COURSE_REPO=str(self.course), EMLIB_COURSE_BRANCH="main",
                   CONFIGPROXY_AUTH_TOKEN=self.token[:32])
        env["PATH"] = f"{pathlib.Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        return env

    def start_proxy(self):
        """The proxy as its own service (deploy/jupyterhub_config.py: should_start = False), as systemd would run it."""
        logf = open(self.work / "proxy.log", "ab")
        self.proxy = subprocess.Popen(
            [str(CHP), "--ip", "127.0.0.1", "--port", str(self.port), "--api-ip", "127.0.0.1", "--api-port", str(self.api_port),
             "--default-target", f"http://127.0.0.1:{self.hub_port}", "--error-target", f"http://127.0.0.1:{self.hub_port}/hub/error"],
            cwd=self.work, env=self.env(), stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)

    async def start(self):
        logf = open(self.work / "hub.log", "ab")
        self.proc = subprocess.Popen([str(pathlib.Path(sys.executable).with_name("jupyterhub")), "-f", str(self.config)],
                                     cwd=self.work, env=self.env(), stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        client = AsyncHTTPClient()
        for _ in range(240):
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.proc.returncode}; see {self.work / 'hub.log'}")
            try:
                r = await client.fetch(f"{self.api}/", request_timeout=5)
                if r.code == 200:
                    # and the proxy routes to it
                    await client.fetch(f"{self.url}/hub/api/", request_timeout=5)
                    return
            except Exception:
                pass
            await asyncio.sleep(0.5)
        raise RuntimeError(f"the hub did not answer within 120 s; see {self.work / 'hub.log'}")

    async def stop(self):
        """SIGTERM to the hub alone; with cleanup_servers and cleanup_proxy off, servers and proxy stay up."""
        self.proc.send_signal(signal.SIGTERM)
        for _ in range(120):
            if self.proc.poll() is not None:
                return
            await asyncio.sleep(0.5)
        self.proc.kill()
        self.proc.wait()

    async def call(self, method, path, body=None, token=None, ok=(200, 201, 202, 204)):
        req = HTTPRequest(f"{self.api}{path}", method=method, headers={"Authorization": f"token {token or self.token}"},
                          body=None if body is None and method in ("GET", "DELETE") else json.dumps(body or {}),
                          request_timeout=120, allow_nonstandard_methods=True)
        for _ in range(180):  # while the hub restarts, the proxy answers 503 or is not there (599): retry
            r = await AsyncHTTPClient().fetch(req, raise_error=False)
            if r.code not in (502, 503, 599):
                break
            await asyncio.sleep(1)
        if r.code not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {r.code} {(r.body or b'')[:300]!r}")
        return json.loads(r.body) if r.body else None

    def processes(self):
        """{role: [psutil.Process]} of everything this hub started (found by the id in their environment)."""
        out = {"hub": [], "proxy": [], "culler": [], "server": [], "kernel": []}
        for p in psutil.process_iter(["pid", "cmdline"]):
            try:
                env = p.environ()
                # the hub starts its services (the culler) with a clean environment: they carry only the
                # hub's API address, not EMLIB_BENCH_ID
                if (env.get("EMLIB_BENCH_ID") != self.bench_id
                        and f"127.0.0.1:{self.hub_port}/" not in env.get("JUPYTERHUB_API_URL", "")):
                    continue
                cmd = " ".join(p.info["cmdline"] or [])
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            if "jupyterhub-singleuser" in cmd:
                out["server"].append(p)
            elif "ipykernel" in cmd:
                out["kernel"].append(p)
            elif "configurable-http-proxy" in cmd:
                out["proxy"].append(p)
            elif "jupyterhub_idle_culler" in cmd:
                out["culler"].append(p)
            elif "jupyterhub" in cmd and " -f " in cmd:
                out["hub"].append(p)
        return out

    def kill_all(self):
        """End every process this hub started, by id (servers, kernels, proxy, culler, hub)."""
        procs = [p for ps in self.processes().values() for p in ps]
        if self.proc is not None and self.proc.poll() is None:
            procs.append(psutil.Process(self.proc.pid))
        for p in procs:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(procs, timeout=10)
        left = []
        for p in (p for ps in self.processes().values() for p in ps):
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    left.append(p)
            except psutil.NoSuchProcess:
                pass
        for runtime in pathlib.Path("/tmp").glob(f"jr-{self.bench_id[:8]}-*"):
            shutil.rmtree(runtime, ignore_errors=True)
        return left


def user_of(p):
    try:
        return p.environ().get("JUPYTERHUB_USER")
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


class Sampler:
    """Every 2 s: resident memory per student (server and kernels) and the CPU time of hub and proxy."""

    def __init__(self, hub):
        self.hub = hub
        self.peak_rss, self.peak_uss = {}, {}
        self.peak_server_rss, self.peak_kernel_rss = 0, 0   # one server process; one kernel process
        self.student_cpu = {}  # user -> {pid: cpu seconds of that server or kernel}
        self.cpu = {"hub": {}, "proxy": {}}  # pid -> last cpu seconds seen (a restarted hub is a new pid)
        self.running = True

    def sample(self):
        procs = self.hub.processes()
        rss, uss = {}, {}
        for p in procs["server"] + procs["kernel"]:
            user = user_of(p)
            try:
                mem = p.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            if user:
                rss[user] = rss.get(user, 0) + mem.rss
                uss[user] = uss.get(user, 0) + mem.uss
                try:
                    t = p.cpu_times()
                    self.student_cpu.setdefault(user, {})[p.pid] = t.user + t.system
                except psutil.NoSuchProcess:
                    pass
                if "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or []):
                    self.peak_server_rss = max(self.peak_server_rss, mem.rss)
                else:
                    self.peak_kernel_rss = max(self.peak_kernel_rss, mem.rss)
        for user in rss:
            self.peak_rss[user] = max(self.peak_rss.get(user, 0), rss[user])
            self.peak_uss[user] = max(self.peak_uss.get(user, 0), uss[user])
        for role in ("hub", "proxy"):
            for p in procs[role]:
                try:
                    t = p.cpu_times()
                    self.cpu[role][p.pid] = t.user + t.system
                except psutil.NoSuchProcess:
                    pass

    async def run(self):
        while self.running:
            await asyncio.get_running_loop().run_in_executor(None, self.sample)
            await asyncio.sleep(2)

    def cpu_seconds(self, role):
        return sum(self.cpu[role].values())


# ------------------------------------------------------------------------------------------ a student
class Kernel:
    """A kernel's websocket through the proxy, speaking the Jupyter protocol as JSON, as a front end does."""

    def __init__(self, student, kernel_id):
        self.student, self.id = student, kernel_id
        self.session = uuid.uuid4().hex
        self.waiters = {}     # msg_id -> future: the time when the kernel's idle (and, if expected, its reply) came
        self.pending = {}     # msg_id -> what is still to come for it: {"idle"} or {"idle", "reply"}
        self.replies = {}     # msg_id -> shell reply content
        self.comms = {}       # comm_id -> widget state of every slider the kernel opened
        self.statuses = []    # execution states seen, in order ("restarting", "starting", ...)
        self.ws = None
        self.connected = asyncio.Event()
        self.reconnects = 0
        self.closing = False

    async def connect(self, patience=180):
        """Open the websocket (again, after a drop: same session, so the server replays what it buffered)."""
        s = self.student
        url = f"ws://127.0.0.1:{s.hub.port}/user/{s.name}/api/kernels/{self.id}/channels?session_id={self.session}"
        deadline = time.perf_counter() + patience
        while True:
            try:
                self.ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {s.token}"},
                                                              request_timeout=60), max_message_size=256 * 2**20)
                break
            except Exception:
                if time.perf_counter() > deadline:
                    raise
                await asyncio.sleep(1)
        self.connected.set()
        self.reader = asyncio.ensure_future(self.read())

    async def read(self):
        from jupyter_server.services.kernels.connection.base import deserialize_binary_message

        while True:
            raw = await self.ws.read_message()
            if raw is None:
                # a dropped connection (the proxy restarted with the hub): reconnect, as JupyterLab does
                self.connected.clear()
                if self.closing:
                    return
                self.reconnects += 1
                try:
                    await self.connect()
                except Exception as e:
                    for f in self.waiters.values():
                        if not f.done():
                            f.set_exception(ConnectionError(f"the kernel's websocket closed and did not reopen: {e}"))
                return
            msg = deserialize_binary_message(raw) if isinstance(raw, bytes) else json.loads(raw)
            kind, parent = msg["header"]["msg_type"], msg["parent_header"].get("msg_id")
            if kind == "comm_open":
                state = msg["content"]["data"].get("state", {})
                if state.get("_model_name") in SLIDERS:
                    self.comms[msg["content"]["comm_id"]] = state
            elif kind == "status":
                state = msg["content"]["execution_state"]
                self.statuses.append(state)
                if state == "idle":
                    self._arrived(parent, "idle")
            elif msg.get("channel") == "shell":
                self.replies[parent] = msg["content"]
                self._arrived(parent, "reply")

    def _arrived(self, msg_id, what):
        """The shell reply and the idle status come on different channels, in either order: wait for both."""
        pending = self.pending.get(msg_id)
        if pending is None:
            return
        pending.discard(what)
        if not pending and not self.waiters[msg_id].done():
            self.waiters[msg_id].set_result(time.perf_counter())

    async def send(self, msg_type, content):
        await self.connected.wait()
        msg_id = uuid.uuid4().hex
        self.waiters[msg_id] = asyncio.get_running_loop().create_future()
        self.pending[msg_id] = {"idle"} if msg_type == "comm_msg" else {"idle", "reply"}
        header = {"msg_id": msg_id, "username": self.student.name, "session": self.session, "msg_type": msg_type,
                  "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                          "channel": "shell", "buffers": []}))
        return msg_id

    async def ready(self, timeout=120):
        """kernel_info_request until a reply (a restarting kernel may miss the first)."""
        deadline = time.perf_counter() + timeout
        sent = []
        while time.perf_counter() < deadline:
            sent.append(await self.send("kernel_info_request", {}))
            try:
                await asyncio.wait_for(asyncio.shield(self.waiters[sent[-1]]), 5)
            except asyncio.TimeoutError:
                pass
            if any(i in self.replies for i in sent):  # the reply is enough: an idle can be dropped under a flood
                return
        raise TimeoutError(f"{self.student.name}: kernel {self.id} gave no kernel_info_reply within {timeout} s")

    async def run_all(self, cells, timeout=900):
        """Every code cell at once, as "Run All" sends them; returns the seconds to the last idle."""
        t0 = time.perf_counter()
        ids = [await self.send("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                                             "allow_stdin": False, "stop_on_error": True}) for code in cells]
        await asyncio.wait_for(asyncio.gather(*(self.waiters[i] for i in ids)), timeout)
        bad = [(n, self.replies.get(i, {}).get("status"), self.replies.get(i, {}).get("ename")) for n, i in enumerate(ids, 1)
               if self.replies.get(i, {}).get("status") != "ok"]
        if bad:
            raise RuntimeError(f"{self.student.name}: cells not ok (cell, status, error): {bad[:3]}")
        return time.perf_counter() - t0

    def slider(self):
        if not self.comms:
            raise RuntimeError(f"{self.student.name}: the notebook opened no slider")
        comm_id, state = next(iter(self.comms.items()))
        return comm_id, state

    def move_values(self, n, rng):
        """Drag-like values of the first slider: one to three steps either way, now and then a jump."""
        comm_id, s = self.slider()
        lo, hi, step = s["min"], s["max"], s.get("step") or 1
        k_max = int(round((hi - lo) / step))
        k, values = int(round((s["value"] - lo) / step)), []
        for _ in range(n):
            k = rng.randrange(0, k_max + 1) if rng.random() < 0.1 else min(k_max, max(0, k + rng.choice((-3, -2, -1, 1, 2, 3))))
            v = lo + k * step
            values.append(int(v) if s["_model_name"] == "IntSliderModel" else round(v, 10))
        return comm_id, values

    async def move(self, comm_id, value):
        return await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})

    async def moves(self, n, rng, timeout=120):
        """n moves, each sent when the kernel has answered the last; returns the frame times (s)."""
        comm_id, values = self.move_values(n, rng)
        frames = []
        for v in values:
            t0 = time.perf_counter()
            msg_id = await self.move(comm_id, v)
            t1 = await asyncio.wait_for(self.waiters[msg_id], timeout)
            frames.append(t1 - t0)
        return frames

    async def close(self):
        self.closing = True
        if self.ws is not None:
            self.ws.close()
        if getattr(self, "reader", None) is not None:
            self.reader.cancel()


class Student:
    def __init__(self, hub, index, report):
        self.hub, self.index = hub, index
        self.name = f"student{index:02d}"
        self.report = report
        self.kernels = {}
        self.token = None
        self.retries = 0

    # ---- HTTP to the hub and to the student's server, retried on a transient error (as the front end retries)
    async def server_call(self, method, path, body=None, ok=(200, 201, 204), raw=False, patience=120, follow=True):
        url = f"{self.hub.url}/user/{self.name}{path}"
        deadline = time.perf_counter() + patience
        while True:
            req = HTTPRequest(url, method=method, headers={"Authorization": f"token {self.token}"},
                              body=None if body is None else json.dumps(body), request_timeout=300,
                              follow_redirects=follow, allow_nonstandard_methods=True)
            r = await AsyncHTTPClient().fetch(req, raise_error=False)
            if r.code in ok:
                return r if raw else (json.loads(r.body) if r.body else None)
            if time.perf_counter() > deadline or r.code in (400, 403, 404):
                raise RuntimeError(f"{self.name}: {method} {path}: HTTP {r.code} {(r.body or b'')[:300]!r}")
            self.retries += 1
            await asyncio.sleep(1)

    async def login(self):
        await self.hub.call("POST", f"/users/{self.name}", ok=(201, 409))
        self.token = (await self.hub.call("POST", f"/users/{self.name}/tokens", {"note": "bench", "expires_in": 7200}))["token"]
        me = await self.hub.call("GET", "/user", token=self.token)  # the student's own token names the student
        assert me["name"] == self.name, me

    async def spawn(self):
        await self.hub.call("POST", f"/users/{self.name}/server", token=self.token, ok=(201, 202, 400))
        for _ in range(300):
            u = await self.hub.call("GET", f"/users/{self.name}", token=self.token)
            server = u.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            await asyncio.sleep(1)
        raise TimeoutError(f"{self.name}: the server did not become ready in 300 s")

    async def pull_course(self):
        """Follow the server's default URL (the course link) and pull the course as its page does."""
        r = await self.server_call("GET", "/", raw=True, ok=(302,), follow=False)
        target = urllib.parse.urlparse(r.headers["Location"])
        if not target.path.endswith("/git-pull"):
            raise RuntimeError(f"{self.name}: the default URL is {r.headers['Location']}, not the nbgitpuller link")
        query = dict(urllib.parse.parse_qsl(target.query))
        r = await self.server_call("GET", "/git-pull/api?" + urllib.parse.urlencode(query), raw=True)
        events = [json.loads(line[6:]) for line in r.body.decode().splitlines() if line.startswith("data: ")]
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"{self.name}: nbgitpuller did not finish: {events[-1:]}")
        self.course_dir = query.get("targetpath", query["repo"].rstrip("/").split("/")[-1])
        return query

    async def open_notebook(self, nb):
        """Read the notebook (contents API) and start its kernel with a session, as JupyterLab opens it."""
        path = f"{self.course_dir}/notebooks/{nb}"
        model = await self.server_call("GET", f"/api/contents/{urllib.parse.quote(path)}?content=1")
        session = await self.server_call("POST", "/api/sessions", {"path": path, "name": nb, "type": "notebook",
                                                                    "kernel": {"name": "python3"}})
        k = Kernel(self, session["kernel"]["id"])
        await k.connect()
        await k.ready()
        self.kernels[nb] = k
        cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                 for c in model["content"]["cells"] if c["cell_type"] == "code"]
        return k, model, [c for c in cells if c.strip()]

    async def save(self, nb, model):
        """Type an answer into the first answer cell and save (PUT), as the front end saves."""
        content = model["content"]
        for cell in content["cells"]:
            if cell["cell_type"] == "markdown" and "Write your answer here" in "".join(cell["source"]):
                cell["source"] = ANSWER.format(name=self.name)
                break
        else:
            raise RuntimeError(f"{self.name}: {nb} has no answer cell")
        path = f"{self.course_dir}/notebooks/{nb}"
        await self.server_call("PUT", f"/api/contents/{urllib.parse.quote(path)}", {"type": "notebook", "format": "json",
                                                                                      "content": content})
        return content

    async def read_back(self, nb):
        path = f"{self.course_dir}/notebooks/{nb}"
        return (await self.server_call("GET", f"/api/contents/{urllib.parse.quote(path)}?content=1"))["content"]


def _answers(content):
    return [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in content["cells"] if c["cell_type"] == "markdown"]


# -------------------------------------------------------------------------------------- the lecture
class Gate:
    """Students wait here until every student still in the lecture has arrived (a "Run All" burst);
    a student whose lecture failed leaves every gate, so that the others go on."""

    def __init__(self, n):
        self.expected, self.arrived, self.left = n, set(), set()
        self.open = asyncio.Event()

    async def wait(self, name):
        if os.environ.get("BENCH_DEBUG"):
            print(f"  {time.strftime('%H:%M:%S')} {name} at a gate ({len(self.arrived) + 1}/{self.expected})", flush=True)
        self.arrived.add(name)
        self._check()
        await self.open.wait()

    def leave(self, name):
        if name not in self.arrived:
            self.left.add(name)
            self._check()

    def _check(self):
        if len(self.arrived) + len(self.left) >= self.expected:
            self.open.set()


async def lecture(hub, n, *, faults=False, stagger=None, log=print, seed=0):
    """One lecture with n students; returns the figures (a dict)."""
    import random

    students = [Student(hub, i + 1, {}) for i in range(n)]
    stagger = n * 1.0 if stagger is None else stagger
    barriers = {name: Gate(n) for name in ("03", "moves03", "04", "moves04", "flood")}
    results = {s.name: {"ok": False, "notebook_s": {}, "frames": [], "error": None} for s in students}
    fault_log = {}
    hub_restart = asyncio.Event()

    async def one(s):
        r = results[s.name]
        rng = random.Random(seed * 1000 + s.index)
        try:
            await asyncio.sleep(stagger * (s.index - 1) / max(n, 1))   # arrivals spread over `stagger` seconds
            t0 = time.perf_counter()
            await s.login()
            await s.spawn()
            await s.pull_course()
            k03, model03, cells03 = await s.open_notebook(LECTURE[0])
            r["time_to_kernel_s"] = time.perf_counter() - t0
            await barriers["03"].wait(s.name)
            r["notebook_s"]["03"] = await k03.run_all(cells03)
            await barriers["moves03"].wait(s.name)
            r["frames"] += await k03.moves(MOVES_PER_NOTEBOOK, rng)
            saved = await s.save(LECTURE[0], model03)
            if faults and s.index == 1:
                fault_log["kernel"] = await fault_kernel(hub, s, k03, saved)
            if faults and s.index == 2:
                fault_log["server"] = await fault_server(hub, s)
            await barriers["04"].wait(s.name)
            if faults and s.index == 1:
                hub_restart.set()
            k04, model04, cells04 = await s.open_notebook(LECTURE[1])
            r["notebook_s"]["04"] = await k04.run_all(cells04)
            await barriers["moves04"].wait(s.name)
            r["frames"] += await k04.moves(MOVES_PER_NOTEBOOK, rng)
            await s.save(LECTURE[1], model04)
            back = await s.read_back(LECTURE[0])
            if _answers(back) != _answers(saved):
                raise RuntimeError(f"{s.name}: the saved notebook 03 did not read back unchanged")
            r["ok"] = True
            if faults:
                await barriers["flood"].wait(s.name)
                if s.index == min(3, n):
                    r["flood_moves"] = await flood(k04, rng, others_done)
                else:
                    try:
                        r["frames_flooded"] = await k04.moves(MOVES_PER_NOTEBOOK // 2, rng)
                    finally:
                        done_count[0] += 1
                        if done_count[0] == n - 1:
                            others_done.set()
        except Exception as e:  # a failed lecture is counted, not fatal to the others
            r["error"] = f"{type(e).__name__}: {e}"
            log(f"  {s.name} failed: {r['error']}")
            for gate in barriers.values():   # the others need not wait at the gates this student will not reach
                gate.leave(s.name)
            raise
        finally:
            r["retries"] = s.retries
            r["reconnects"] = sum(k.reconnects for k in s.kernels.values())

    async def restart_hub():
        await hub_restart.wait()
        await asyncio.sleep(2)
        t0 = time.perf_counter()
        await hub.stop()
        await hub.start()
        fault_log["hub"] = {"restart_s": time.perf_counter() - t0}

    done_count, others_done = [0], asyncio.Event()
    sampler = Sampler(hub)
    sampling = asyncio.ensure_future(sampler.run())
    t_start = time.perf_counter()
    cpu0 = {role: _cpu_now(hub, role) for role in ("hub", "proxy")}
    tasks = [asyncio.ensure_future(one(s)) for s in students]
    restarter = asyncio.ensure_future(restart_hub()) if faults else None
    await asyncio.gather(*tasks, return_exceptions=True)
    if restarter is not None:
        if hub_restart.is_set():
            await restarter
        else:
            restarter.cancel()
    wall = time.perf_counter() - t_start
    sampler.running = False
    await sampling
    sampler.sample()

    if faults:
        # the hub found every server again after its restart, and each one still answers
        users = {u["name"]: u for u in await hub.call("GET", "/users")}
        fault_log.setdefault("hub", {})["servers_running_after"] = sum(
            1 for s in students if users.get(s.name, {}).get("servers", {}).get("", {}).get("ready"))
        fault_log["flood"] = {
            "p95_without_ms": _ms(percentile([f for s in students if s.index != min(3, n)
                                              for f in results[s.name]["frames"][MOVES_PER_NOTEBOOK:]], 95)),
            "p95_with_ms": _ms(percentile([f for s in students for f in results[s.name].get("frames_flooded", [])], 95)),
            "flood_moves": results[students[min(3, n) - 1].name].get("flood_moves"),
        }
        fault_log["culler"] = await cull_all(hub, students)

    frames = [f for r in results.values() for f in r["frames"]]
    per_nb = {nb: [r["notebook_s"][nb] for r in results.values() if nb in r["notebook_s"]] for nb in ("03", "04")}
    rss = [sampler.peak_rss[s.name] for s in students if s.name in sampler.peak_rss]
    uss = [sampler.peak_uss[s.name] for s in students if s.name in sampler.peak_uss]
    figures = {
        "students": n,
        "completed": sum(r["ok"] for r in results.values()),
        "success_rate": sum(r["ok"] for r in results.values()) / n,
        "errors": {k: r["error"] for k, r in results.items() if r["error"]},
        "wall_s": round(wall, 1),
        "time_to_kernel_s": _summary([r["time_to_kernel_s"] for r in results.values() if "time_to_kernel_s" in r]),
        "notebook_s": {nb: _summary(v) for nb, v in per_nb.items()},
        "frame_ms": {"p50": _ms(percentile(frames, 50)), "p95": _ms(percentile(frames, 95)), "moves": len(frames)},
        "memory_per_student_mb": {"rss_peak_median": _mb(statistics.median(rss)) if rss else None, "rss_peak_max": _mb(max(rss)) if rss else None,
                                  "uss_peak_median": _mb(statistics.median(uss)) if uss else None, "uss_peak_max": _mb(max(uss)) if uss else None},
        "memory_per_process_mb": {"server_rss_peak": _mb(sampler.peak_server_rss), "kernel_rss_peak": _mb(sampler.peak_kernel_rss)},
        "cpu_s": {role: round(sampler.cpu_seconds(role) - cpu0[role], 1) for role in ("hub", "proxy")},
        "cpu_s_per_student": _summary([sum(v.values()) for k, v in sampler.student_cpu.items() if k in results]),
        "retries": sum(r["retries"] for r in results.values()),
        "websocket_reconnects": sum(r.get("reconnects", 0) for r in results.values()),
    }
    figures["cpu_percent_of_one_core"] = {role: round(100 * figures["cpu_s"][role] / wall, 1) for role in ("hub", "proxy")}
    if faults:
        figures["faults"] = fault_log
    return figures


def _cpu_now(hub, role):
    total = 0.0
    for p in hub.processes()[role]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def _summary(values):
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2), "n": len(values)} if values else None


def _ms(seconds):
    return None if seconds is None else round(1000 * seconds, 1)


def _mb(b):
    return round(b / 2**20)


# ---------------------------------------------------------------------------------------------- faults
async def fault_kernel(hub, s, k, saved):
    """SIGKILL the kernel; the server restarts it; it answers; the saved notebook is intact."""
    procs = [p for p in hub.processes()["kernel"] if user_of(p) == s.name and k.id in " ".join(p.cmdline())]
    if len(procs) != 1:
        raise RuntimeError(f"{s.name}: expected one process for kernel {k.id}, found {len(procs)}")
    old = procs[0].pid
    procs[0].kill()
    # the server's restarter starts a new process for the same kernel id
    for _ in range(120):
        new = [p for p in hub.processes()["kernel"] if k.id in " ".join(p.cmdline()) and p.pid != old]
        if new:
            break
        await asyncio.sleep(0.5)
    else:
        raise RuntimeError(f"{s.name}: kernel {k.id} was not restarted within 60 s")
    await k.ready()
    back = await s.read_back(LECTURE[0])
    if _answers(back) != _answers(saved):
        raise RuntimeError(f"{s.name}: the saved notebook changed when the kernel died")
    return {"restarted": True, "saved_intact": True, "saw_restarting": "restarting" in k.statuses, "new_pid_differs": new[0].pid != old}


async def fault_server(hub, s):
    """SIGKILL the single-user server and its kernels; the hub notices; a respawn works."""
    procs = hub.processes()
    server = [p for p in procs["server"] if user_of(p) == s.name]
    kernels = [p for p in procs["kernel"] if user_of(p) == s.name]
    if len(server) != 1:
        raise RuntimeError(f"{s.name}: expected one server process, found {len(server)}")
    for k in s.kernels.values():
        await k.close()
    s.kernels.clear()
    for p in server + kernels:
        p.kill()
    psutil.wait_procs(server + kernels, timeout=10)
    t0 = time.perf_counter()
    for _ in range(240):  # the hub's poll (every 5 s here) finds the server gone
        u = await hub.call("GET", f"/users/{s.name}")
        if not u.get("servers", {}).get(""):
            break
        await asyncio.sleep(0.5)
    else:
        raise RuntimeError(f"{s.name}: the hub did not notice the dead server within 120 s")
    noticed = time.perf_counter() - t0
    await s.spawn()
    await s.pull_course()   # the course is already there: nbgitpuller merges, the student's save survives
    return {"noticed_s": round(noticed, 1), "respawned": True}


async def flood(k, rng, stop, limit=1000):
    """Moves sent without waiting for the kernel, until the others are done or `limit`; returns how many.

    A flood overruns the kernel's output queue, whose messages past its high-water mark are dropped (ZeroMQ), so
    not every move's idle comes back. The kernel handles its shell messages in order: when a kernel_info_request
    sent after the flood is answered, every move has been handled.
    """
    comm_id, values = k.move_values(limit, rng)
    sent = 0
    for v in values:
        if stop.is_set():
            break
        await k.move(comm_id, v)
        sent += 1
        await asyncio.sleep(0.002)
    await k.ready(timeout=900)  # the flooder's own kernel drains its queue
    return sent


async def cull_all(hub, students):
    """The deploy configuration's culler command, with --timeout and --cull-every shortened, must stop the servers."""
    cfg = load_deploy_config()
    service = next(s for s in cfg.JupyterHub.services if s["name"] == "idle-culler")
    cmd = [a for a in service["command"] if not a.startswith(("--timeout", "--cull-every"))] + ["--timeout=1", "--cull-every=2"]
    role = next(r for r in cfg.JupyterHub.load_roles if "idle-culler" in r.get("services", []))
    # the culler gets a token with exactly the role's scopes (an admin's token, narrowed to them)
    await hub.call("POST", "/users/culltest", {"admin": True}, ok=(201, 409))
    token = (await hub.call("POST", "/users/culltest/tokens", {"scopes": role["scopes"], "note": "culler test"}))["token"]
    env = dict(hub.env(), JUPYTERHUB_API_TOKEN=token, JUPYTERHUB_API_URL=hub.api)
    logf = open(hub.work / "culler.log", "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(240):
            users = {u["name"]: u for u in await hub.call("GET", "/users")}
            left = [s.name for s in students if users.get(s.name, {}).get("servers", {}).get("")]
            if not left:
                break
            await asyncio.sleep(0.5)
        return {"scopes": role["scopes"], "servers_left": left}
    finally:
        proc.terminate()
        proc.wait(10)


def load_deploy_config(env=None):
    """deploy/jupyterhub_config.py as JupyterHub loads it (traitlets' PyFileConfigLoader)."""
    from traitlets.config.loader import PyFileConfigLoader

    old = dict(os.environ)
    os.environ.update(env or {})
    os.environ.setdefault("EMLIB_COURSE_REPO", "https://example.org/course/emlib-student")
    try:
        return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    finally:
        os.environ.clear()
        os.environ.update(old)


# --------------------------------------------------------------------------------------------- main
async def run(ns, out, faults, log):
    AsyncHTTPClient.configure(None, max_clients=4 * max(ns) + 20)
    results = []
    for n in ns:
        work = pathlib.Path(tempfile.mkdtemp(prefix=f"classroom{n}-"))
        hub = Hub(work, log=log)
        try:
            hub.make_course()
            hub.write_config()
            hub.start_proxy()
            await hub.start()
            log(f"N = {n}: hub on {hub.url}, work folder {work}")
            figures = await lecture(hub, n, faults=faults, log=log)
            results.append(figures)
            log(json.dumps(figures, indent=1))
        finally:
            try:
                await hub.stop()
            except Exception:
                pass
            survivors = hub.kill_all()
            if survivors:  # a bench that leaves a culler or a kernel behind would skew the next hub's figures
                raise RuntimeError(f"processes of the N = {n} hub survived: {[' '.join(p.cmdline()) for p in survivors]}")
            if figures_ok(results, n):
                shutil.rmtree(work, ignore_errors=True)
            else:
                log(f"kept {work} (hub.log, culler.log) for a look")
    if out:
        pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(out).write_text(json.dumps({"command": " ".join([pathlib.Path(sys.executable).name] + sys.argv),
                                                 "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30),
                                                 "runs": results}, indent=1) + "\n")
    return results


def sizing(report, cull):
    """deploy/sizing.json from a report of this script: the runs, the largest run's measurements, the limits they give.

    mem_guarantee: the largest per-student peak of the lecture (server and two kernels, RSS), rounded up to 64 MiB;
    mem_limit: a server and four kernels at their peaks (homework with four notebooks open), rounded up to 256 MiB;
    cpu_guarantee: the mean cores one student used over the lecture, rounded up to 0.05; cpu_limit: one core.
    """
    runs = report["runs"]
    big = max(runs, key=lambda r: r["students"])
    mem = big["memory_per_student_mb"]
    measured = {
        "command": report["command"], "cores": report["cores"], "memory_gb": report["memory_gb"],
        "students": big["students"], "success_rate": big["success_rate"],
        "student_rss_peak_median_mb": mem["rss_peak_median"], "student_rss_peak_max_mb": mem["rss_peak_max"],
        "student_uss_peak_median_mb": mem["uss_peak_median"],
        "server_rss_peak_mb": big["memory_per_process_mb"]["server_rss_peak"],
        "kernel_rss_peak_mb": big["memory_per_process_mb"]["kernel_rss_peak"],
        "cpu_s_per_student_median": big["cpu_s_per_student"]["p50"], "lecture_wall_s": big["wall_s"],
    }
    guarantee = 64 * math.ceil(measured["student_rss_peak_max_mb"] / 64)
    limit = 256 * math.ceil((measured["server_rss_peak_mb"] + 4 * measured["kernel_rss_peak_mb"]) / 256)
    cores = math.ceil(20 * measured["cpu_s_per_student_median"] / measured["lecture_wall_s"]) / 20
    limits = {"mem_limit": f"{limit}M", "mem_guarantee": f"{guarantee}M", "cpu_limit": 1.0, "cpu_guarantee": cores}
    keep = ("students", "completed", "success_rate", "wall_s", "time_to_kernel_s", "notebook_s", "frame_ms",
            "memory_per_student_mb", "memory_per_process_mb", "cpu_s", "cpu_percent_of_one_core", "cpu_s_per_student")
    return {"measured": measured, "limits": limits, "cull": cull, "runs": [{k: r[k] for k in keep} for r in runs]}


def table(sz):
    """The rows of the lecturer's guide's sizing table, from deploy/sizing.json."""
    lines = []
    for r in sz["runs"]:
        n, k, a, b = r["students"], r["time_to_kernel_s"], r["notebook_s"]["03"], r["notebook_s"]["04"]
        lines.append(f"| {n} | {n / sz['measured']['cores']:g} | {r['completed']}/{n} | {k['p95']:.0f} s | "
                     f"{a['p50']:.0f} / {a['p95']:.0f} s | {b['p50']:.0f} / {b['p95']:.0f} s | {r['frame_ms']['p95']:.0f} ms | "
                     f"{r['memory_per_student_mb']['rss_peak_median']} MB | {r['cpu_percent_of_one_core']['hub']:g}% / "
                     f"{r['cpu_percent_of_one_core']['proxy']:g}% |")
    return "\n".join(lines)


def figures_ok(results, n):
    return bool(results) and results[-1]["students"] == n and results[-1]["success_rate"] == 1.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[5, 10, 20], help="class sizes, one hub each")
    parser.add_argument("--faults", action="store_true", help="inject the four faults and test the culler (needs 3 students)")
    parser.add_argument("--json", default=None, help="write the figures here")
    parser.add_argument("--write-sizing", metavar="REPORT", default=None,
                        help="write deploy/sizing.json from a report of --json (keeps its cull settings), print the guide's rows, and stop")
    args = parser.parse_args(argv)
    if args.write_sizing:
        path = DEPLOY / "sizing.json"
        sz = sizing(json.loads(pathlib.Path(args.write_sizing).read_text()), json.loads(path.read_text())["cull"])
        path.write_text(json.dumps(sz, indent=1) + "\n")
        print(table(sz))
        return 0
    if args.faults and min(args.students) < 3:
        parser.error("--faults needs at least 3 students (the kernel, the server and the flood each take one)")
    if not CHP.exists():
        parser.error(f"{CHP} is missing: run `npm ci --prefix deploy`")
    results = asyncio.run(run(args.students, args.json, args.faults, print))
    return 0 if all(r["success_rate"] == 1.0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
