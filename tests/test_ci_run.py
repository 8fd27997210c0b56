""".ci/run's verdict: the suite, then the bundle built and tested; any failure fails the run, and the last
line is still the suite's own pytest summary.  Run against stand-ins for make, the venv's Python and the
PostgreSQL script, so nothing real is built here."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = "490 passed, 3 skipped in 300.00s (0:05:00)"


def fake_checkout(tmp_path: Path, *, suite: int, bundle: int, bundle_tests: int, suite_output: str = SUMMARY,
                  bundle_output: str = "8 passed in 20.00s") -> Path:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    (repo / ".ci" / "postgres.sh").write_text("echo postgresql://postgres@127.0.0.1:1/x\n")
    (repo / "dist" / "CaseDesk-9.9.9").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = test ]; then echo "tests/test_x.py ....."; echo "{suite_output}"; exit {suite}; fi\n'
        f'if [ "$1" = bundle ]; then echo "built dist/CaseDesk-9.9.9"; exit {bundle}; fi\n'
        "exit 99\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\nexit 0\n")
    venv = repo / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text(
        "#!/bin/sh\n"
        'echo "bundle dir: $CASEDESK_TEST_BUNDLE" >> "$(dirname "$0")/../../seen"\n'
        f'printf "%s\\n" "{bundle_output}"; exit {bundle_tests}\n')
    for script in (bin_dir / "make", bin_dir / "apt-get", venv / "python"):
        script.chmod(0o755)
    return repo


def run_ci(tmp_path: Path, **kw) -> tuple[int, list[str], Path]:
    repo = fake_checkout(tmp_path, **kw)
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(repo / ".ci" / "run")], capture_output=True, text=True, env=env, timeout=60)
    return done.returncode, done.stdout.strip().splitlines(), repo


def test_all_green_exits_0_and_ends_with_the_suite_summary(tmp_path):
    code, out, repo = run_ci(tmp_path, suite=0, bundle=0, bundle_tests=0)
    assert code == 0
    assert out[-1] == SUMMARY
    assert (repo / "seen").read_text().strip() == f"bundle dir: {repo}/dist/CaseDesk-9.9.9/"


@pytest.mark.parametrize("suite,bundle,bundle_tests", [(2, 0, 0), (0, 2, 0), (0, 0, 1), (2, 2, 0)])
def test_any_failure_fails_the_run(tmp_path, suite, bundle, bundle_tests):
    code, out, repo = run_ci(tmp_path, suite=suite, bundle=bundle, bundle_tests=bundle_tests)
    assert code != 0
    assert out[-1] == SUMMARY
    if bundle:
        assert not (repo / "seen").exists(), "no bundle test without a bundle"


def test_a_suite_that_ran_nothing_fails(tmp_path):
    code, out, _repo = run_ci(tmp_path, suite=2, bundle=0, bundle_tests=0,
                              suite_output="no tests ran in 0.01s")
    assert code == 1


@pytest.mark.parametrize("output", [
    "SKIPPED [8] tests/test_bundle.py:60: CASEDESK_TEST_BUNDLE does not name a built bundle\n8 skipped in 1.00s",
    "8 deselected in 0.50s",
])
def test_bundle_tests_that_did_not_run_fail_the_run(tmp_path, output):
    code, out, _repo = run_ci(tmp_path, suite=0, bundle=0, bundle_tests=0, bundle_output=output)
    assert code != 0
    assert out[-1] == SUMMARY
