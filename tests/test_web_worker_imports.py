"""A web worker does not load the audio encoder (issue 15: worker memory).

PyAV, NumPy and soundfile encode speech to Ogg/Opus, which only the audio worker and `flask
build-audio` do. Imported by every web worker with ``app.easyread.audio`` (which web pages need for
their audio addresses), they made each worker 29 MB bigger (`bench/serving.py`: 107.4 MB, and
78.5 MB without them). Here a fresh interpreter makes the app, walks to a question page and says
which of them it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ENCODER = ("av", "numpy", "soundfile")

PROBE = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, "tests")
from helpers.app import drop_database, make_app
from helpers.journey import begin
app = make_app(Path(tempfile.mkdtemp(prefix="evprobe-")), WTF_CSRF_ENABLED=False)
try:
    client = app.test_client()
    begin(client, app)
    page = client.get("/q/1")
    html = page.get_data(as_text=True)
    seen = {"status": page.status_code, "question": 'class="answer-group"' in html,
            "loaded": sorted(name for name in sys.argv[1:] if name in sys.modules)}
finally:
    drop_database(app)
print(json.dumps(seen))
"""


def test_a_web_worker_serves_a_question_page_without_the_audio_encoder() -> None:
    env = {key: value for key, value in os.environ.items() if key != "EASYVOICE_TEST_POSTGRES"}
    env["EASYVOICE_SESSION_COOKIE_SECURE"] = "false"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *ENCODER],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200 and seen["question"], seen  # reached: a question page
    assert seen["loaded"] == [], seen
