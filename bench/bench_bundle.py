"""Start-up of the PyInstaller bundle against `python main.py`, in the same run; artefact sizes.

    scripts/build-linux && .venv/bin/python bench/bench_bundle.py [--repeat R]

Measured, alternating bundle and source so machine noise hits both (medians of R runs each):
- `--version`: process start to exit (interpreter, bootloader, argument parsing);
- `--self-test`: the whole offscreen self-test (Qt, fonts, sample, workbook round-trip, chart);
- first window: start to the main window being mapped on a virtual X screen (Xvfb, the xcb plugin
  the app really uses), found by polling `xwininfo`; the process is then ended.
Sizes: the bundle folder, the .tar.gz and the .deb in dist/. Prints a table with bundle/source ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "aid-ledger" / "aid-ledger"
SOURCE = [sys.executable, str(ROOT / "main.py")]
WINDOW_TIMEOUT = 60.0


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"Error: {' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return elapsed


def window_shown(display: str) -> bool:
    tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", display], capture_output=True, text=True).stdout
    return any("Aid Ledger" in line and "has no name" not in line for line in tree.splitlines())


def first_window(cmd: list[str], env: dict[str, str], display: str) -> float:
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
                            stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
    try:
        while not window_shown(display):
            if proc.poll() is not None:
                err.seek(0)
                said = err.read().decode(errors="replace").strip()[-500:]
                sys.exit(f"Error: {' '.join(cmd)} exited {proc.returncode} before showing a window: {said}")
            if time.perf_counter() - start > WINDOW_TIMEOUT:
                sys.exit(f"Error: no window from {' '.join(cmd)} within {WINDOW_TIMEOUT:.0f} s")
            time.sleep(0.005)
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(10)


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private X screen; -noreset, else it resets when its last client leaves and refuses the next one."""
    for n in range(90, 120):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            display = f":{n}"
            proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            for _ in range(200):
                if subprocess.run(["xwininfo", "-root", "-display", display], capture_output=True).returncode == 0:
                    return proc, display
                time.sleep(0.05)
            proc.terminate()
    sys.exit("Error: could not start Xvfb")


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6
    return path.stat().st_size / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not BUNDLE.is_file():
        sys.exit(f"Error: no bundle at {BUNDLE}: run scripts/build-linux first")
    for tool in ("Xvfb", "xwininfo"):
        if not shutil.which(tool):
            sys.exit(f"Error: {tool} is missing (scripts/bootstrap --dev installs it)")

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        home = Path(tmp)
        env = {**os.environ, "AID_LEDGER_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
               "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
        ledger = home / "sample.aidledger"
        timed([*SOURCE, "sample", "--ledger", str(ledger)], env)
        variants = {"bundle": [str(BUNDLE)], "source": SOURCE}
        xvfb, display = start_xvfb()
        results: dict[str, dict[str, list[float]]] = {}
        try:
            for name, how in (
                ("--version", lambda cmd: timed([*cmd, "--version"], env)),
                ("--self-test", lambda cmd: timed([*cmd, "--self-test"], env)),
                ("first window (Xvfb)", lambda cmd: first_window([*cmd, "--ledger", str(ledger)], env, display)),
            ):
                for cmd in variants.values():  # warm the page cache once, unmeasured
                    how(cmd)
                results[name] = {v: [] for v in variants}
                for _ in range(args.repeat):
                    for variant, cmd in variants.items():
                        results[name][variant].append(how(cmd))
        finally:
            xvfb.terminate()
            xvfb.wait(10)

    print(f"Start-up, median of {args.repeat} runs each (seconds), bundle against `python main.py`:")
    print(f"{'measure':<22}{'bundle':>9}{'source':>9}{'ratio':>8}")
    for name, by in results.items():
        b, s = statistics.median(by["bundle"]), statistics.median(by["source"])
        print(f"{name:<22}{b:>9.3f}{s:>9.3f}{b / s:>7.2f}x")
    print("Sizes (MB):")
    for path in (BUNDLE.parent, *sorted(DIST.glob("aid-ledger*.tar.gz")), *sorted(DIST.glob("aid-ledger_*.deb"))):
        print(f"  {path.relative_to(ROOT)}: {size_mb(path):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
