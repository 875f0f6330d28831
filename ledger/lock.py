"""One writer per ledger: a lock file beside the ledger that says who holds it.

`<ledger>.lock` holds the holder (user, host, pid, program, since) as JSON. On POSIX the holder also
keeps an advisory `flock` on it, which the system drops when the process ends in any way (SIGKILL,
power cut): a lock file whose flock is free was left by a crash and is cleared. Where flock is missing
(Windows) a lock naming this host and a pid that no longer runs is stale. Reading needs no lock.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import LedgerInUseError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Holder:
    user: str
    host: str
    pid: int
    program: str
    since: str

    def describe(self) -> str:
        return f"{self.program} (user {self.user} on {self.host}, process {self.pid}, since {self.since})"

    @classmethod
    def me(cls) -> Holder:
        try:
            user = getpass.getuser()
        except Exception:  # no login name (containers, services)
            user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
        program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
        since = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
        return cls(user, _host(), os.getpid(), f"Aid Ledger ({program})", since)


def _host() -> str:
    """This machine's name: uname's where there is one (what gethostname returns there), else socket's."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # Windows

    return socket.gethostname()


def lock_path(ledger_path: str | os.PathLike) -> Path:
    p = Path(ledger_path)
    return p.with_name(p.name + ".lock")


def read_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["program"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True


# Lock files this process holds -> [fd, how many open Ledgers share it]. Two Ledger objects of one
# process may write the same file (SQLite serialises them); the lock keeps other processes out.
_HELD: dict[Path, list[int]] = {}


class WriterLock:
    """Held while a ledger is open for writing. `acquire` raises LedgerInUseError if someone else holds it."""

    def __init__(self, ledger_path: str | os.PathLike):
        self.path = lock_path(Path(ledger_path).resolve())
        self.fd: int | None = None
        self.cleared_stale: Holder | None = None  # the crashed holder whose lock was cleared, if any

    def acquire(self, where: str) -> WriterLock:
        shared = _HELD.get(self.path)
        if shared is not None:
            shared[1] += 1
            self.fd = shared[0]
            return self
        for _ in range(5):  # retry if a releasing holder unlinks the file between our open and our lock
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if self._try_lock(fd, where):
                    if self._same_file(fd):
                        self.fd = fd
                        self._write_holder(fd)
                        _HELD[self.path] = [fd, 1]
                        return self
                    self._unlock(fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        raise LedgerInUseError(where, read_holder(self.path))

    def _try_lock(self, fd: int, where: str) -> bool:
        previous = read_holder(self.path)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LedgerInUseError(where, previous) from None
            if previous and previous.pid != os.getpid():
                self.cleared_stale = previous  # its process ended without releasing: a crash
            return True
        # Without flock: the lock file's content is all there is.
        if previous is None or previous.pid == os.getpid():
            return True
        if previous.host == _host() and not pid_alive(previous.pid):
            self.cleared_stale = previous
            return True
        raise LedgerInUseError(where, previous)

    def _same_file(self, fd: int) -> bool:
        try:
            a, b = os.fstat(fd), os.stat(self.path)
        except OSError:
            return False
        return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)

    def _write_holder(self, fd: int) -> None:
        data = json.dumps(asdict(Holder.me()), ensure_ascii=False).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0) if hasattr(os, "pwrite") else os.write(fd, data)

    @staticmethod
    def _unlock(fd: int) -> None:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        shared = _HELD.get(self.path)
        if shared is not None and shared[0] == fd:
            shared[1] -= 1
            if shared[1] > 0:
                return
            del _HELD[self.path]
        try:
            # Unlink while still holding the flock, so nobody can take a file that is about to vanish.
            if self._same_file(fd):
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            self._unlock(fd)
            os.close(fd)

    @property
    def held(self) -> bool:
        return self.fd is not None
