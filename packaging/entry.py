"""The bundle's entry: the app, or `-m MODULE ARGS...` as Python would run it.

Frozen, `sys.executable` is the bundle's own executable, and the app starts its processes
through it: the embedded service as `sys.executable -m app.service.main ...`
(`ui.connection.embedded`) and the service its workers as `sys.executable -m app.worker.main`
(`app.service.recordings.supervisor`). So this entry runs such a module the way `python -m`
does; anything else is the `recdesk` command.
"""

from __future__ import annotations

import runpy
import sys


def main() -> int:
    """Dispatch on the command line."""
    if len(sys.argv) >= 3 and sys.argv[1] == "-m":
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from ui.launcher import main as launch

    return launch()


if __name__ == "__main__":
    sys.exit(main())
