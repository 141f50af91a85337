"""`stackguard` as a user runs it: real processes, real exit codes, no tracebacks."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CONFIG_FILE, REPO_ROOT, in_process


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT, **kwargs)


@pytest.fixture(scope="module")
def cli_synth(stackguard_bin, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("cli") / "cdktf.out"
    return outdir, run([*stackguard_bin, "synth", "--out", str(outdir)])


def test_synth_prints_each_stack_with_the_sha256_of_its_file(cli_synth):
    outdir, result = cli_synth
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["confluent", "core", "demo"]
    for line in lines:
        name, digest, path = line.split()
        assert Path(path) == outdir / "stacks" / name / "cdk.tf.json"
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest


def test_synth_output_is_free_of_node_banners_and_warnings(cli_synth):
    _, result = cli_synth
    # only the progress line (off a terminal, once a synthesis takes longer than a second)
    assert result.stderr == "synthesizing ... (about 20 s)\n"
    assert "Node" not in result.stdout and "deprecat" not in result.stdout.lower()


def test_synth_matches_what_the_cdktf_cli_app_command_writes(cli_synth, tmp_path):
    """`cdktf synth` runs `python main.py` with CDKTF_OUTDIR set; same bytes either way."""
    outdir, _ = cli_synth
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out")}
    result = run([sys.executable, "main.py"], env=env)
    assert result.returncode == 0, result.stderr
    for name in ("core", "confluent", "demo"):
        ours = (outdir / "stacks" / name / "cdk.tf.json").read_bytes()
        theirs = (tmp_path / "out/stacks" / name / "cdk.tf.json").read_bytes()
        assert ours == theirs, name


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (CONFIG_FILE.read_text().replace("[10, 20, 28]", "[10, 28, 20]"), "budget"),
        (CONFIG_FILE.read_text().replace("sg-devmin-tfstate", "SG_tfstate"), "backend.state_bucket"),
        (CONFIG_FILE.read_text() + "\nsurprise = 1\n", "surprise: unknown field"),
    ],
)
def test_bad_configuration_exits_2_naming_the_field(stackguard_bin, tmp_path, content, field):
    path = tmp_path / "platform.toml"
    path.write_text(content)
    outdir = tmp_path / "cdktf.out"
    result = run([*stackguard_bin, "synth", "--config", str(path), "--out", str(outdir)])
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and field in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert not outdir.exists(), "nothing is written when the configuration is refused"


def test_config_path_from_environment(stackguard_bin, tmp_path):
    env = {**os.environ, "STACKGUARD_CONFIG": str(tmp_path / "missing.toml")}
    result = run([*stackguard_bin, "synth", "--out", str(tmp_path / "o")], env=env)
    assert result.returncode == 2
    assert "missing.toml: configuration file not found" in result.stderr


def test_usage_errors_exit_2_and_help_explains(stackguard_bin):
    assert run([*stackguard_bin, "synth", "--no-such-flag"]).returncode == 2
    help_text = run([*stackguard_bin, "synth", "--help"])
    assert help_text.returncode == 0
    assert "--bootstrap" in help_text.stdout and "--out" in help_text.stdout
    top = run([*stackguard_bin, "--help"])
    assert "Exit codes" in top.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["check", "plan", "/tmp"], "Invalid value for 'file'"),
        (["check", "plan"], "Missing argument 'file'"),
        (["teardown", "plan"], "Missing argument 'stack'"),
        (["deploy", "demo", "--no-such-flag"], "No such option: --no-such-flag"),
        (["check", "synth", "--format", "xml"], "--format"),
    ],
)
def test_usage_errors_are_one_error_line_not_a_boxed_panel(args, says):
    code, stdout, stderr = in_process(*args)
    assert code == 2
    assert stderr.startswith("error: ") and says in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "╭" not in stderr + stdout and "Usage:" not in stderr


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flags_print_the_version(flag):
    from stackguard import __version__

    code, out, _ = in_process(flag)
    assert code == 0 and out.strip() == f"stackguard {__version__}"


def test_shell_completion_script_and_completions(stackguard_bin):
    script = run([*stackguard_bin, "--show-completion", "bash"])
    assert script.returncode == 0 and "_stackguard_completion" in script.stdout
    env = {**os.environ, "_STACKGUARD_COMPLETE": "complete_bash", "COMP_WORDS": "stackguard teardown r", "COMP_CWORD": "2"}
    completed = run([*stackguard_bin], env=env)
    assert completed.stdout.split() == ["run"]
