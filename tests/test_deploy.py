"""deploy/: the one-server JupyterHub configuration, the Zero to JupyterHub values, and a small class under load.

The configuration tests run wherever traitlets, PyYAML and jsonschema are installed (they come with JupyterLab):
- deploy/z2jh/values.yaml, merged with the chart's defaults as Helm merges them, is valid under the chart's
  published values schema (vendored, with its licence and version), and a misspelt key or a wrong type is not;
- the limits in deploy/jupyterhub_config.py and values.yaml are deploy/sizing.json's, and cover what
  benchmarks/bench_classroom.py measured (the guarantee a lecture's peak, the limit four notebooks' kernels);
- the idle culler runs as a service with exactly the scopes it needs, with sizing.json's timeout;
- a student's default URL pulls the student edition (nbgitpuller), never the full one;
- the sizing table in book/lecturers.md is sizing.json's measurements.

The load test (benchmarks/bench_classroom.py with 3 students and every fault) needs JupyterHub and the proxy:
``pip install -e ".[hub]"`` in a venv of its own and ``npm ci --prefix deploy``, as ``.ci/run hub`` does. Without
them it skips, unless EMLIB_REQUIRE_HUB=1 (set by that CI pass), where that is a failure. Nothing here is timed.
"""
import asyncio
import copy
import importlib.util
import json
import math
import os
import pathlib
import re
import sys
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
Z2JH = DEPLOY / "z2jh"
SIZING = json.loads((DEPLOY / "sizing.json").read_text())

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")
traitlets_loader = pytest.importorskip("traitlets.config.loader")

REPO = "https://git.example.org/course/emlib-student"


def load_config(**env):
    """deploy/jupyterhub_config.py as JupyterHub loads it."""
    old = dict(os.environ)
    os.environ.update({"EMLIB_COURSE_REPO": REPO, **env})
    try:
        return traitlets_loader.PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    finally:
        os.environ.clear()
        os.environ.update(old)


def to_bytes(size):
    """JupyterHub's and Kubernetes' memory sizes as bytes: 512M, 1G (binary multiples, as both read K/M/G/T)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", str(size))
    assert m, f"not a memory size: {size!r}"
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2) or " "))


def helm_merge(defaults, values):
    """Helm's coalescing of user values into the chart's: maps merge key by key, anything else replaces, null deletes."""
    out = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = helm_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((Z2JH / "values.yaml").read_text())


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((Z2JH / "values.schema.json").read_text())
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def merged(values):
    return helm_merge(yaml.safe_load((Z2JH / "chart-values.yaml").read_text()), values)


# ----------------------------------------------------------------------- the chart's schema
def test_schema_is_the_charts_vendored_with_licence_and_version(validator):
    readme = (Z2JH / "README.md").read_text()
    assert "4.4.0" in readme and re.search(r"commit\s+[0-9a-f]{40}", readme), "the vendored version and commit"
    assert (Z2JH / "LICENSE").read_text().startswith("BSD 3-Clause License")
    schema = validator.schema
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")
    assert schema["additionalProperties"] is False and {"singleuser", "cull", "hub", "proxy"} <= set(schema["required"])
    assert "description" not in json.dumps(schema["properties"]["cull"]), "packaged as the chart ships it: without descriptions"


def test_values_valid_under_the_chart_schema(validator, merged):
    errors = sorted(validator.iter_errors(merged), key=lambda e: list(e.path))
    assert not errors, [f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors]


@pytest.mark.parametrize("change", [
    {"singleuser": {"memroy": {"limit": "1G"}}},          # a misspelt key
    {"cull": {"timeout": "one hour"}},                     # a number as text
    {"singleuser": {"cpu": {"limit": "one"}}},
    {"singleuser": {"lifecycleHooks": "git clone"}},       # a map expected
])
def test_schema_rejects_a_wrong_value(validator, merged, change):
    assert list(validator.iter_errors(helm_merge(merged, change))), f"accepted {change}"


# ------------------------------------------------------------------- limits from measurements
def test_limits_are_sizing_json_in_both_configurations(values):
    limits, cfg = SIZING["limits"], load_config()
    assert cfg.Spawner.mem_limit == limits["mem_limit"] == values["singleuser"]["memory"]["limit"]
    assert cfg.Spawner.cpu_limit == limits["cpu_limit"] == values["singleuser"]["cpu"]["limit"]
    assert values["singleuser"]["memory"]["guarantee"] == limits["mem_guarantee"]
    assert values["singleuser"]["cpu"]["guarantee"] == limits["cpu_guarantee"]
    assert cfg.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner", "a spawner that enforces mem_limit and cpu_limit"


def test_limits_cover_the_measurements():
    """The guarantee holds a lecture's peak (server and two kernels); the limit holds a server and four kernels."""
    m, limits = SIZING["measured"], SIZING["limits"]
    mb = 2**20
    lecture_peak = m["student_rss_peak_max_mb"] * mb
    homework = (m["server_rss_peak_mb"] + 4 * m["kernel_rss_peak_mb"]) * mb
    assert to_bytes(limits["mem_guarantee"]) >= lecture_peak
    assert to_bytes(limits["mem_limit"]) >= homework
    assert to_bytes(limits["mem_limit"]) >= to_bytes(limits["mem_guarantee"])
    assert limits["cpu_guarantee"] <= limits["cpu_limit"] <= 1, "one core at most: a flooding student cannot take the machine"
    assert m["students"] >= 20 and m["success_rate"] == 1.0, "sized from a class of 20 that all completed the lecture"


def test_thread_limits_reach_the_kernels(values):
    env = load_config().Spawner.environment
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        assert env[var] == "1" == values["singleuser"]["extraEnv"][var]


def test_kernels_on_unix_sockets_with_short_paths():
    """TCP ports collided when a class started its kernels at once; a Unix socket path has at most 107 bytes."""
    cfg = load_config()
    assert "--KernelManager.transport=ipc" in cfg.Spawner.args
    runtime = cfg.Spawner.environment["JUPYTER_RUNTIME_DIR"]
    longest = f"{runtime}/kernel-{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}-ipc-4"  # jupyter_client's socket names
    assert len(longest.encode()) <= 107
    assert cfg.SystemdSpawner.isolate_tmp is True, "each student's /tmp (and so the runtime folder) is their own"


def test_proxy_outlives_a_hub_restart():
    cfg = load_config()
    assert cfg.ConfigurableHTTPProxy.should_start is False and cfg.JupyterHub.cleanup_servers is False


# ------------------------------------------------------------------------------ the culler
def test_culler_service_and_its_scopes(values):
    cfg = load_config()
    (service,) = [s for s in cfg.JupyterHub.services if s["name"] == "idle-culler"]
    cmd = service["command"]
    assert cmd[1:3] == ["-m", "jupyterhub_idle_culler"]
    args = dict(a[2:].split("=", 1) for a in cmd[3:])
    assert int(args["timeout"]) == SIZING["cull"]["timeout"] == values["cull"]["timeout"]
    assert int(args["cull-every"]) == SIZING["cull"]["every"] == values["cull"]["every"]
    assert values["cull"]["enabled"] is True and values["cull"]["users"] is False, "cull servers, keep the students' accounts"
    (role,) = [r for r in cfg.JupyterHub.load_roles if "idle-culler" in r.get("services", [])]
    # what the culler needs to find idle servers and stop them, and nothing that could delete a student
    assert sorted(role["scopes"]) == sorted(["list:users", "read:users:activity", "read:servers", "delete:servers"])
    assert SIZING["cull"]["every"] < SIZING["cull"]["timeout"]
    assert SIZING["cull"]["timeout"] >= 90 * 60 / 2, "a student quiet for half a 90-minute lecture keeps their kernel"


def test_culler_accepts_its_arguments():
    if importlib.util.find_spec("jupyterhub_idle_culler") is None:
        pytest.skip("jupyterhub-idle-culler is not installed (the [hub] extra)")
    from jupyterhub_idle_culler import IdleCuller

    cmd = next(s for s in load_config().JupyterHub.services if s["name"] == "idle-culler")["command"]
    app = IdleCuller()
    app.parse_command_line(cmd[3:])
    assert app.timeout == SIZING["cull"]["timeout"] and app.cull_every == SIZING["cull"]["every"]


# ------------------------------------------------------------------------- the student edition
def test_default_url_pulls_the_student_edition():
    url = urllib.parse.urlparse(load_config(EMLIB_COURSE_BRANCH="spring").Spawner.default_url)
    assert url.path == "/git-pull"
    q = dict(urllib.parse.parse_qsl(url.query))
    assert q == {"repo": REPO, "branch": "spring", "targetpath": "emlib-student", "urlpath": "lab/tree/emlib-student/notebooks"}


def test_config_refuses_to_start_without_a_course_repository():
    old = os.environ.pop("EMLIB_COURSE_REPO", None)
    try:
        with pytest.raises(SystemExit, match="EMLIB_COURSE_REPO"):
            traitlets_loader.PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    finally:
        if old is not None:
            os.environ["EMLIB_COURSE_REPO"] = old


def test_z2jh_students_get_the_student_edition(values):
    su = values["singleuser"]
    hook = " ".join(su["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert "git clone" in hook and '"$EMLIB_COURSE_REPO" emlib-student' in hook and "[ -d emlib-student ]" in hook
    assert su["defaultUrl"] == "/lab/tree/emlib-student/notebooks"
    import tomllib

    assert su["image"]["tag"] == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_proxy_pinned_for_npm_ci():
    pkg = json.loads((DEPLOY / "package.json").read_text())
    lock = json.loads((DEPLOY / "package-lock.json").read_text())
    version = pkg["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "an exact version"
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == version
    assert all("integrity" in p for name, p in lock["packages"].items() if name), "every package with its hash"


# --------------------------------------------------------------------------- the guide's table
def table_row(n, run):
    """The guide's row for a run of n students, from sizing.json: per core, completed, kernel, 03, 04, frame, memory."""
    kernel, nb03, nb04 = run["time_to_kernel_s"], run["notebook_s"]["03"], run["notebook_s"]["04"]
    return [f"{n / SIZING['measured']['cores']:g}", f"{run['completed']}/{n}", f"{kernel['p95']:.0f} s",
            f"{nb03['p50']:.0f} / {nb03['p95']:.0f} s", f"{nb04['p50']:.0f} / {nb04['p95']:.0f} s",
            f"{run['frame_ms']['p95']:.0f} ms", f"{run['memory_per_student_mb']['rss_peak_median']} MB"]


def test_sizing_table_in_the_guide_is_the_measurements():
    text = (ROOT / "book" / "lecturers.md").read_text()
    section = text.split("## Run a class on one JupyterHub", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].isdigit():
            rows[int(cells[0])] = cells
    runs = {r["students"]: r for r in SIZING["runs"]}
    assert set(rows) == set(runs) and 20 in rows, (sorted(rows), sorted(runs))
    for n, cells in rows.items():
        assert cells[1:8] == table_row(n, runs[n]), f"the row of {n} students"
    m = SIZING["measured"]
    per_gb_lecture = math.floor(10 * 1024 / m["student_rss_peak_max_mb"]) / 10     # rounded down: never promise more
    per_gb_homework = math.floor(10 * 1024 / (m["server_rss_peak_mb"] + 4 * m["kernel_rss_peak_mb"])) / 10
    assert f"**{per_gb_lecture:g} students per GB**" in section and f"**{per_gb_homework:g} students per GB**" in section
    assert "bench_classroom.py --students 5 10 20" in section, "the command that reproduces the table"


# ------------------------------------------------------------------------------ a class under load
def _hub_available():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    have = importlib.util.find_spec("jupyterhub") is not None and (DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy").exists()
    if not have:
        if os.environ.get("EMLIB_REQUIRE_HUB") == "1":
            pytest.fail("EMLIB_REQUIRE_HUB=1 but JupyterHub or the proxy is missing: pip install -e \".[hub]\"; npm ci --prefix deploy",
                        pytrace=False)
        pytest.skip("JupyterHub or the proxy is not installed (.ci/run hub runs this test)")


def test_three_students_and_every_fault():
    """A real hub on 127.0.0.1: 3 students through the lecture, a kernel, a server and the hub killed, a flood, the culler."""
    _hub_available()
    import bench_classroom

    (r,) = asyncio.run(bench_classroom.run([3], None, True, print))
    assert r["errors"] == {} and r["completed"] == 3, r["errors"]
    assert r["frame_ms"]["moves"] == 3 * 2 * bench_classroom.MOVES_PER_NOTEBOOK, "every widget move answered"
    f = r["faults"]
    assert f["kernel"] == {"restarted": True, "saved_intact": True, "saw_restarting": True, "new_pid_differs": True}
    assert f["server"]["respawned"] is True
    assert f["hub"]["servers_running_after"] == 3, "the restarted hub found every server"
    assert f["flood"]["flood_moves"] > 0 and f["flood"]["p95_with_ms"] is not None, "the others moved during the flood"
    assert f["culler"]["servers_left"] == [], "the culler, with the configuration's command, stopped every idle server"
