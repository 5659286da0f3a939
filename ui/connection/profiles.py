"""Service profiles (URL, AppID) kept with QSettings, and their secrets kept safe.

Secrets go to the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker). Where
there is none, as on a headless Linux, they are kept in memory for this session only:
`SecretStore.persistent` says which, and the connection dialog tells the operator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

_SERVICE = "RecDesk"


@dataclass(frozen=True)
class Profile:
    """A remote service the app can connect to."""

    name: str
    url: str
    app_id: str = ""


class _Keyring(Protocol):
    """The part of the `keyring` module the store uses."""

    def get_password(self, service_name: str, username: str) -> str | None: ...

    def set_password(self, service_name: str, username: str, password: str) -> None: ...


class SecretStore:
    """Secrets by profile name: the OS keyring when there is one, else memory."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}
        self._keyring = _usable_keyring()

    @property
    def persistent(self) -> bool:
        """Whether secrets outlive the session."""
        return self._keyring is not None

    def get(self, name: str) -> str:
        """The profile's secret, or ''."""
        if self._keyring is not None:
            try:
                return self._keyring.get_password(_SERVICE, name) or ""
            except Exception as exc:  # a locked or broken keyring: say so, use memory
                log.warning("keyring: %s", exc)
        return self._memory.get(name, "")

    def set(self, name: str, secret: str) -> None:
        """Keep the profile's secret."""
        if self._keyring is not None:
            try:
                self._keyring.set_password(_SERVICE, name, secret)
                return
            except Exception as exc:
                log.warning("keyring: %s", exc)
        self._memory[name] = secret


def _usable_keyring() -> _Keyring | None:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or type(backend).__name__ == "NullKeyring":
        return None
    return keyring


class Profiles:
    """The saved profiles and the last one used, in QSettings."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def all(self) -> list[Profile]:
        """Every saved profile, by name."""
        found = []
        size = self._settings.beginReadArray("profiles")
        for i in range(size):
            self._settings.setArrayIndex(i)
            found.append(
                Profile(
                    str(self._settings.value("name", "")),
                    str(self._settings.value("url", "")),
                    str(self._settings.value("app_id", "")),
                )
            )
        self._settings.endArray()
        return sorted((p for p in found if p.name), key=lambda p: p.name.lower())

    def save(self, profile: Profile) -> None:
        """Add or replace a profile."""
        kept = [p for p in self.all() if p.name != profile.name] + [profile]
        self._settings.beginWriteArray("profiles", len(kept))
        for i, item in enumerate(kept):
            self._settings.setArrayIndex(i)
            self._settings.setValue("name", item.name)
            self._settings.setValue("url", item.url)
            self._settings.setValue("app_id", item.app_id)
        self._settings.endArray()

    def remove(self, name: str) -> None:
        """Forget a profile."""
        kept = [p for p in self.all() if p.name != name]
        self._settings.remove("profiles")
        for profile in kept:
            self.save(profile)

    @property
    def last(self) -> str:
        """The name of the last profile used; '' means the embedded service."""
        return str(self._settings.value("connection/last", ""))

    @last.setter
    def last(self, name: str) -> None:
        self._settings.setValue("connection/last", name)
