"""The lint and type gate: ruff and mypy, configured in pyproject.toml, report nothing."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True)


def test_ruff_finds_nothing():
    result = run("ruff", "check", "--no-cache", "plugins", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    result = run("mypy", "--no-incremental")  # files and settings: [tool.mypy]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_the_package_says_it_is_typed():
    assert (ROOT / "plugins" / "graphic_novel" / "py.typed").is_file()
