"""The `[auth]` table: apps and tokens read (from the file or the environment), every mistake one
line naming the key, secrets never shown; which hosts need credentials."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.service.auth.config import (
    AppCredential,
    AuthConfig,
    TokenCredential,
    is_loopback_host,
    listen_problem,
)
from app.service.config import ConfigError, load_config

SECRET = "studio-secret-0123456789"
TOKEN = "ci-token-abcdefghijklmnop"


def load(tmp_path: Path, text: str) -> AuthConfig:
    path = tmp_path / "recdesk.toml"
    path.write_text(textwrap.dedent(text))
    return load_config(path).auth


def test_apps_and_tokens_from_the_file_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_SECRET", "lab-secret-0123456789")
    monkeypatch.setenv("CI_TOKEN", TOKEN)
    auth = load(
        tmp_path,
        f"""
        [auth]
        require_on_loopback = true
        tokens = [{{ name = "ci", token_env = "CI_TOKEN" }}]

        [[auth.apps]]
        app_id = "studio"
        secret = "{SECRET}"

        [[auth.apps]]
        app_id = "lab"
        secret_env = "LAB_SECRET"
        """,
    )
    assert auth == AuthConfig(
        apps=(AppCredential("studio", SECRET), AppCredential("lab", "lab-secret-0123456789")),
        tokens=(TokenCredential("ci", TOKEN),),
        require_on_loopback=True,
    )
    assert auth.secret("lab") == "lab-secret-0123456789"
    assert auth.secret("nobody") is None
    assert SECRET not in repr(auth)
    assert TOKEN not in repr(auth)


def test_no_auth_table_means_no_credentials(tmp_path: Path) -> None:
    auth = load(tmp_path, "")
    assert auth == AuthConfig()
    assert not auth.configured


MISTAKES = {
    "not a table": ("auth = 1", "auth: must be a table ([auth])"),
    "unknown key": (
        "[auth]\nusers = []",
        "auth.users: unknown key; use apps, tokens, require_on_loopback",
    ),
    "no secret": (
        '[auth]\napps = [{ app_id = "a" }]',
        "auth.apps[0]: give secret or secret_env (one of them)",
    ),
    "both secrets": (
        f'[auth]\napps = [{{ app_id = "a", secret = "{SECRET}", secret_env = "X" }}]',
        "auth.apps[0]: give secret or secret_env (one of them)",
    ),
    "short secret": (
        '[auth]\napps = [{ app_id = "a", secret = "short" }]',
        "auth.apps[0].secret: too short or padded with spaces: use at least 16 characters",
    ),
    "unset variable": (
        '[auth]\napps = [{ app_id = "a", secret_env = "RECDESK_TEST_UNSET_VARIABLE" }]',
        "auth.apps[0].secret_env: the environment variable RECDESK_TEST_UNSET_VARIABLE is not set",
    ),
    "app twice": (
        f'[auth]\napps = [{{ app_id = "a", secret = "{SECRET}" }}, '
        f'{{ app_id = "a", secret = "{SECRET}x" }}]',
        "auth.apps[1].app_id: 'a' is listed twice",
    ),
    "empty app id": (
        f'[auth]\napps = [{{ app_id = "", secret = "{SECRET}" }}]',
        "auth.apps[0].app_id: must be a non-empty string",
    ),
    "token twice": (
        f'[auth]\ntokens = [{{ name = "a", token = "{TOKEN}" }}, '
        f'{{ name = "b", token = "{TOKEN}" }}]',
        "auth.tokens[1].token: the same token as another; give each its own",
    ),
    "token name missing": (
        f'[auth]\ntokens = [{{ token = "{TOKEN}" }}]',
        "auth.tokens[0].name: missing",
    ),
    "require without credentials": (
        "[auth]\nrequire_on_loopback = true",
        "auth.require_on_loopback: is true but no apps or tokens are configured",
    ),
    "require not a bool": (
        "[auth]\nrequire_on_loopback = 1",
        "auth.require_on_loopback: must be true or false",
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_a_mistake_names_the_key(tmp_path: Path, case: str) -> None:
    text, expected = MISTAKES[case]
    path = tmp_path / "recdesk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {expected}")
    assert SECRET not in str(caught.value)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)
    assert listen_problem(host, AuthConfig()) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org", "::ffff:1.2.3.4"])
def test_other_hosts_need_credentials(host: str) -> None:
    assert not is_loopback_host(host)
    problem = listen_problem(host, AuthConfig())
    assert problem is not None
    assert f"--host {host}" in problem
    assert listen_problem(host, AuthConfig(tokens=(TokenCredential("ci", TOKEN),))) is None


def test_require_request_signature_is_read_and_needs_an_app(tmp_path: Path) -> None:
    apps = f'apps = [{{ app_id = "studio", secret = "{SECRET}" }}]'
    auth = load(tmp_path, f"[auth]\nrequire_request_signature = true\n{apps}\n")
    assert auth.require_request_signature
    assert not load(tmp_path, f"[auth]\n{apps}\n").require_request_signature
    tokens = f'tokens = [{{ name = "ci", token = "{TOKEN}" }}]'
    for text, words in [
        (f"[auth]\nrequire_request_signature = true\n{tokens}\n", "nobody could sign"),
        (f"[auth]\nrequire_request_signature = 1\n{apps}\n", "true or false"),
    ]:
        with pytest.raises(ConfigError, match=words) as caught:
            load(tmp_path, text)
        assert "auth.require_request_signature" in str(caught.value)
