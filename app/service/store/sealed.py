"""Secrets sealed at rest: what must not lie in the database as plain text, encrypted in its
`secrets` table (one row per owner) with a key that lives elsewhere.

The key is a Fernet key (`cryptography`: AES-128-CBC with an HMAC-SHA256, 32 random bytes written
as 44 characters of url-safe base64). It is read once, at the service's start, from

1. the environment: `RECDESK_SECRET_KEY=KEY`, or `NEW,OLD,...` while changing keys (the first
   seals, every one opens, so rows sealed with an old key still open);
2. else the OS keyring, where the optional `keyring` package is installed (the `desktop` extra
   has it) and holds one: service `recdesk-server`, name `secret-key`;
3. else nowhere: `Vault.fernet()` raises `SecretKeyMissing`, whose message says how to set one,
   and whatever needs a secret is refused.

A key that cannot be read (a wrong length, not base64) is the same refusal, naming the source.
Plain text never reaches the table, a log or an error message.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.errors import RecDeskError
from app.service.store.store import Store

log = logging.getLogger(__name__)

KEY_ENV = "RECDESK_SECRET_KEY"
KEYRING_SERVICE = "recdesk-server"
KEYRING_NAME = "secret-key"
HOW_TO_SET = (
    f"set {KEY_ENV} to a Fernet key before starting the service (make one with: python -c "
    '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"), '
    f"or keep one in the OS keyring: keyring set {KEYRING_SERVICE} {KEYRING_NAME}"
)
# A keyring that does not answer (a locked or absent Secret Service) must not hold up a start.
_KEYRING_WAIT = 5.0


class SecretKeyMissing(RecDeskError):
    """No usable key to seal secrets with; the message says why and how to set one."""

    caller_fault = False


class SealedUnreadable(RecDeskError):
    """A sealed row that the key cannot open: sealed with another key, or damaged."""

    caller_fault = False


def key_from_environment(environ: Mapping[str, str] = os.environ) -> MultiFernet | None:
    """The key(s) of `RECDESK_SECRET_KEY`; None when unset, `SecretKeyMissing` if unreadable."""
    text = environ.get(KEY_ENV, "").strip()
    if not text:
        return None
    return _fernet(text.split(","), KEY_ENV)


def key_from_keyring() -> MultiFernet | None:
    """The key in the OS keyring, None without the `keyring` package, a keyring, or a key there."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None
    try:
        text = keyring.get_password(KEYRING_SERVICE, KEYRING_NAME)
    except keyring.errors.KeyringError as exc:
        log.info("no secret key from the OS keyring: %s", exc)
        return None
    except Exception as exc:  # a backend's own failure (D-Bus, ...): no key, said once
        log.warning("the OS keyring failed: %s", exc)
        return None
    if not text:
        return None
    return _fernet(text.split(","), f"the keyring's {KEYRING_SERVICE}/{KEYRING_NAME}")


def _fernet(keys: list[str], source: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError:  # binascii.Error is one; the message would quote nothing useful
        raise SecretKeyMissing(
            f"{source} is not a Fernet key (32 bytes in url-safe base64, 44 characters); "
            + HOW_TO_SET
        ) from None


class Vault:
    """Seals and opens the `secrets` table's rows; the key is found by `load()`."""

    def __init__(
        self,
        store: Store,
        *,
        sources: tuple[Callable[[], MultiFernet | None], ...] = (
            key_from_environment,
            key_from_keyring,
        ),
    ) -> None:
        self._store = store
        self._sources = sources
        self._fernet: MultiFernet | None = None
        self._problem: SecretKeyMissing | None = None
        self._loaded: asyncio.Future[None] | None = None

    async def load(self) -> None:
        """Find the key, once (the keyring is asked off the event loop, for a few seconds)."""
        if self._loaded is None:
            self._loaded = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(asyncio.to_thread(self._find), _KEYRING_WAIT)
            except TimeoutError:
                log.warning("the OS keyring did not answer within %s s", _KEYRING_WAIT)
            self._loaded.set_result(None)
        else:
            await asyncio.shield(self._loaded)

    def _find(self) -> None:
        for source in self._sources:
            try:
                found = source()
            except SecretKeyMissing as exc:
                self._problem = exc
                return
            if found is not None:
                self._fernet = found
                return

    def fernet(self) -> MultiFernet:
        """The key; `SecretKeyMissing` (saying how to set one) when `load()` found none."""
        if self._fernet is not None:
            return self._fernet
        raise self._problem or SecretKeyMissing(f"the service has no secret key: {HOW_TO_SET}")

    def seal(self, owner: str, secret: bytes) -> None:
        """Keep `secret` under `owner`, encrypted (replacing what the owner had)."""
        token = self.fernet().encrypt(secret)
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO secrets (owner, sealed) VALUES (?, ?)"
                " ON CONFLICT (owner) DO UPDATE SET sealed = excluded.sealed",
                (owner, token),
            )

    def open(self, owner: str) -> bytes | None:
        """The secret kept under `owner`, None if there is none."""
        with self._store.transaction() as db:
            row = db.execute("SELECT sealed FROM secrets WHERE owner = ?", (owner,)).fetchone()
        if row is None:
            return None
        try:
            return self.fernet().decrypt(bytes(row[0]))
        except InvalidToken:
            raise SealedUnreadable(
                f"the secrets of {owner} cannot be opened with this service's key: they were "
                f"sealed with another (give the old key too: {KEY_ENV}=NEW,OLD)"
            ) from None

    def forget(self, owner: str) -> None:
        """Drop what `owner` had sealed."""
        with self._store.transaction() as db:
            db.execute("DELETE FROM secrets WHERE owner = ?", (owner,))
