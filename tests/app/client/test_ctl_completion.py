"""`recdesk-ctl completion bash|zsh|fish`: each shell loads the script and completes for real.

bash: the function `complete -p` names is called with `COMP_WORDS` as bash would; fish: its own
`complete -C`; zsh: an interactive zsh on a pseudo-terminal, typed into (Tab, then a command
that prints the completed line). Room and recording ids come from the real service.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import pty
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.service import ServiceProcess

BIN = Path(sys.executable).parent  # where the installed `recdesk-ctl` is
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("RECDESK_", "_ARC"))},
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}


@functools.cache
def script(shell: str) -> str:
    """What `recdesk-ctl completion SHELL` prints."""
    answer = subprocess.run(
        [BIN / "recdesk-ctl", "completion", shell],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return answer.stdout


def bash_complete(line: str, tmp_path: Path, env: dict[str, str] | None = None) -> list[str]:
    """What bash offers for a Tab at the end of `line`, through the registered function."""
    loader = tmp_path / "recdesk-ctl.bash"
    loader.write_text(script("bash"))
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = f"""
        source {shlex.quote(str(loader))}
        spec=$(complete -p recdesk-ctl)
        function=${{spec##*-F }}; function=${{function%% *}}
        COMP_WORDS=({" ".join(shlex.quote(w) for w in words)})
        COMP_CWORD={len(words) - 1}
        COMP_LINE={shlex.quote(line)}
        COMP_POINT=${{#COMP_LINE}}
        COMP_TYPE=9
        "$function" recdesk-ctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    answer = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env=env or ENV,
        check=True,
    )
    return [word.strip() for word in answer.stdout.splitlines() if word.strip()]


def test_bash_registers_and_completes_commands_flags_and_choices(tmp_path: Path) -> None:
    loader = tmp_path / "recdesk-ctl.bash"
    loader.write_text(script("bash"))
    registered = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f"source {loader}; complete -p recdesk-ctl"],
        capture_output=True,
        text=True,
        timeout=60,
        env=ENV,
        check=True,
    )
    assert registered.stdout.rstrip().endswith(" recdesk-ctl")
    assert " -F " in registered.stdout
    assert bash_complete("recdesk-ctl rec", tmp_path) == ["record"]
    assert bash_complete("recdesk-ctl record start r1 --stream-t", tmp_path) == ["--stream-type"]
    assert bash_complete("recdesk-ctl record start r1 --format w", tmp_path) == ["webm"]
    assert "--request" in bash_complete("recdesk-ctl layout set rec1 --", tmp_path)


def ids(words: list[str]) -> list[str]:
    """The values offered, without the flags offered beside them."""
    return [word for word in words if not word.startswith("-")]


def test_bash_offers_the_services_room_and_recording_ids(
    service: ServiceProcess, tmp_path: Path
) -> None:
    env = {**ENV, "RECDESK_URL": service.url}
    assert ids(bash_complete("recdesk-ctl room ", tmp_path, env)) == [
        "call",
        "meeting",
        "class",
        "webinar",
        "podcast",
        "empty",
    ]
    assert bash_complete(f"recdesk-ctl --url {service.url} record start pod", tmp_path) == [
        "podcast"
    ]
    started = subprocess.run(
        [BIN / "recdesk-ctl", "--url", service.url, "--json", "record", "start", "podcast"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    recording_id = json.loads(started.stdout)["id"]
    subprocess.run(
        [BIN / "recdesk-ctl", "--url", service.url, "record", "stop", recording_id],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert recording_id in ids(bash_complete("recdesk-ctl record status ", tmp_path, env))
    # No service there: nothing is offered, and the prompt is back at once.
    gone = {**ENV, "RECDESK_URL": "http://127.0.0.1:9"}
    assert ids(bash_complete("recdesk-ctl room ", tmp_path, gone)) == []


def test_fish_completes_with_complete_c(tmp_path: Path) -> None:
    loader = tmp_path / "recdesk-ctl.fish"
    loader.write_text(script("fish"))

    def offered(line: str) -> list[str]:
        answer = subprocess.run(
            ["fish", "--no-config", "-c", f"source {loader}; complete -C {shlex.quote(line)}"],
            capture_output=True,
            text=True,
            timeout=60,
            env=ENV,
            check=True,
        )
        return [row.split("\t")[0] for row in answer.stdout.splitlines()]

    assert offered("recdesk-ctl rec") == ["record"]
    assert offered("recdesk-ctl record start r1 --stream-type a") == ["audio", "av"]
    assert offered("recdesk-ctl layout set rec1 spe") == ["speaker"]
    shells = [word for word in offered("recdesk-ctl completion ") if not word.startswith("-")]
    assert sorted(shells) == ["bash", "fish", "zsh"]


class Terminal:
    """An interactive shell on a pseudo-terminal: what is typed, and what it shows."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.fd, child = pty.openpty()
        self.process = subprocess.Popen(
            command, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
        )
        os.close(child)
        self.shown = b""

    def type(self, text: str) -> None:
        """Send keys."""
        os.write(self.fd, text.encode())

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """Read until `text` shows; everything shown since the last wait."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.shown:
            assert time.monotonic() < deadline, f"{text!r} never showed; got {self.shown!r}"
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                # An error here means the shell has gone: the assertion says what it showed.
                with contextlib.suppress(OSError):
                    self.shown += os.read(self.fd, 4096)
        shown, self.shown = self.shown.decode(errors="replace"), b""
        return shown

    def close(self) -> None:
        """End the shell."""
        self.process.kill()
        self.process.wait(10)
        os.close(self.fd)


def test_zsh_completes_through_compinit(tmp_path: Path) -> None:
    # Installed as zsh wants it: a file `_recdesk-ctl` in a folder on $fpath, found by compinit.
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "_recdesk-ctl").write_text(script("zsh"))
    env = {**ENV, "TERM": "dumb", "EDITOR": "", "VISUAL": "", "ZDOTDIR": str(tmp_path)}
    shell = Terminal(["zsh", "-f", "-i"], env)
    try:
        shell.type(
            f"fpath=({functions} $fpath); autoload -Uz compinit; compinit -u -D; "
            "print ready-$((1+1))\n"
        )
        shell.wait_for("ready-2")
        # Tab completes the flag; then Ctrl-A and `print` before it show the line as completed
        # (the arithmetic tells zsh's output from the echo of what was typed).
        shell.type("recdesk-ctl record start r1 --stream-t\t")
        shell.wait_for("--stream-type")
        shell.type("\x01print -r -- $((6*7)): \n")
        shell.wait_for("42: recdesk-ctl record start r1 --stream-type")
        # Several candidates: zsh lists them all.
        shell.type("recdesk-ctl record start r1 --stream-type \t")
        listing = shell.wait_for("separate")
        assert {"audio", "video", "av", "separate"} <= set(listing.split())
    finally:
        shell.close()
