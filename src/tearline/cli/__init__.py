"""The ``tearline`` command: a thin shell over the library. Exit codes live here only.

Exit codes: 0 done (a deny is a successful decision), 2 invalid input or usage,
1 an internal fault (reported without internals).

The hot commands (``label parse``, ``label normalize``, ``label render``) in their plain
shapes are answered without importing click (:mod:`tearline.cli.fast`), with the same bytes
and exit code; everything else goes through the click application (:mod:`tearline.cli.app`).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:
    import click

__all__ = ["cli", "main"]


#: Each command group and the module that defines it: imported only when the command runs,
#: so ``tearline label parse`` loads neither the decision code nor the demo.
_COMMANDS = {
    "label": "tearline.cli.label",
    "access": "tearline.cli.access",
    "demo": "tearline.cli.demo",
    "demo-node": "tearline.cli.demo_node",
    "init": "tearline.cli.init",
    "db": "tearline.cli.init",
    "person": "tearline.cli.person",
    "item": "tearline.cli.item",
    "audit": "tearline.cli.audit",
    "incident": "tearline.cli.incident",
    "serve": "tearline.cli.serve",
    "token": "tearline.cli.serve",
    "peer": "tearline.cli.peer",
    "node": "tearline.cli.node",
    "sync": "tearline.cli.sync",
    "ledger": "tearline.cli.ledger",
    "release": "tearline.cli.release",
    "observation": "tearline.cli.cop",
    "cop": "tearline.cli.cop",
    "scenario": "tearline.cli.cop",
}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never lets a traceback reach the user."""
    args = sys.argv[1:] if argv is None else list(argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    code = _answered_fast(args, whole_process=argv is None)
    if code is not None:
        return code
    from tearline.cli.app import run_click

    return run_click(args, _COMMANDS)


def _answered_fast(args: list[str], *, whole_process: bool) -> int | None:
    """The hot command's exit code, or ``None`` for click.

    The cyclic garbage collector is paused meanwhile: a short answer makes no cycles worth
    collecting, and the collections that importing the label core triggers would cost about a
    tenth of the command's work. When the command is the ``whole_process`` (the installed
    ``tearline``), what it built lives until the process ends, so it is frozen (``gc.freeze``)
    rather than traversed once more by the collection at exit.
    """
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        from tearline.cli.fast import run_fast

        return run_fast(args, _COMMANDS)
    finally:
        if whole_process:
            gc.freeze()
        if paused:
            gc.enable()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported on first use
        from tearline.cli.app import application

        return application(_COMMANDS)
    raise AttributeError(f"module 'tearline.cli' has no attribute {name!r}")


if TYPE_CHECKING:
    cli: click.Group


if __name__ == "__main__":
    sys.exit(main())
