import os
import pathlib
import re
import subprocess
import sys

import keras

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_runs_quick_and_reports_exact_match():
    environment = dict(os.environ, KERAS_BACKEND=keras.backend.backend())
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--quick", "--epochs", "1"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r"exact-match accuracy: ([\d.]+)%", result.stdout)
    assert match and 0 <= float(match.group(1)) <= 100
    assert "from the 'embedded' digits" in result.stdout
    assert f"backend={keras.backend.backend()}" in result.stdout
