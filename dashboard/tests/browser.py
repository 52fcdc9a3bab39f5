"""Opens every dashboard page in headless chromium against `streamlit run` and saves screenshots.

Fails when a page shows a Streamlit exception or error element, or never draws its charts.
Usage: python dashboard/tests/browser.py <screenshot folder>   (DB_CONNECTION_STRING set)
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent.parent
# Charts each page must draw, and whether it shows metric tiles.
PAGES = {"overview": (4, True), "vampire": (2, True), "merchants": (1, False), "loss": (1, True), "clients": (0, True),
         "detection": (2, True), "quality": (0, True)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    print("browser test skipped: chromium is not installed (.ci/run installs it: apt-get install chromium)")
    sys.exit(0)


def browse(browser: str, url: str, *extra: str) -> str:
    args = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1500,1400",
            "--virtual-time-budget=25000", "--run-all-compositor-stages-before-draw", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=120).stdout


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "target/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(DASHBOARD / "app.py"), "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("streamlit did not start")
        browser = chromium()
        browse(browser, f"http://127.0.0.1:{port}/", "--dump-dom")  # the first session pays for the imports
        failures = []
        for page, (charts, metrics) in PAGES.items():
            url = f"http://127.0.0.1:{port}/?page={page}"
            for _ in range(3):  # a page still drawing when the time budget ends gets another go
                dom = browse(browser, url, "--dump-dom")
                drawn = dom.count('data-testid="stVegaLiteChart"') + dom.count('class="vega-embed')
                if drawn >= charts and (not metrics or 'data-testid="stMetric"' in dom):
                    break
            if 'data-testid="stException"' in dom or 'data-testid="stAlertContentError"' in dom:
                failures.append(f"{page}: the page shows an exception or error")
            if drawn < charts:
                failures.append(f"{page}: {drawn} chart(s) drawn, expected {charts}")
            if metrics and 'data-testid="stMetric"' not in dom:
                failures.append(f"{page}: no metrics rendered")
            browse(browser, url, f"--screenshot={out / (page + '.png')}")
            print(f"  {page:<10} ok   screenshot {out / (page + '.png')}" if not any(f.startswith(page) for f in failures)
                  else f"  {page:<10} FAILED")
        if failures:
            sys.exit("browser test failed:\n  " + "\n  ".join(failures))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
