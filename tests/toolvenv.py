"""The venv of the tools the project's venv cannot hold (kgx needs numpy<2): ``.venv-kgx``, set up by ``make test``
(``bash .ci/tools-venv.sh``) with kgx, bmt, biolink-model and PyLD, and the tests' way to run scripts in it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL_PYTHON = ROOT / ".venv-kgx" / "bin" / "python"


def tool_python() -> Path:
    """Return the venv's Python; skip the test when it is missing, or fail in CI, where `make test` made it."""
    if TOOL_PYTHON.exists():
        return TOOL_PYTHON
    message = f"{TOOL_PYTHON} is missing: `make test` creates it (bash .ci/tools-venv.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def run_tool(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one of the tests' scripts (``tests/<script>``) with the venv's Python, outside the project's venv."""
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(tool_python()), str(ROOT / "tests" / script), *args], capture_output=True,
                          text=True, timeout=600, env=environment, cwd=ROOT, check=False)
