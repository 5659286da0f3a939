"""The connection dialog: the embedded demo service, or a remote service from a saved profile.

A profile is a name, a URL, an AppID and a secret. The secret goes to the OS keyring; where there
is none the dialog says it is kept for this session only.

"Connect" uses what the fields say. An empty URL means the built-in service; any URL is checked
first (`ui.connection.reasons.check`, a few seconds at most) and kept as a profile once it
answers: under the name typed, else under the URL's host (and port). A service that cannot be
used keeps the dialog open with the reason and what to do, and "Connect anyway" for one that is
only down for now (the app then reconnects by itself).
"""

from __future__ import annotations

import asyncio

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Health
from ui.common.banner import ErrorBanner
from ui.connection.profiles import Profile, Profiles, SecretStore
from ui.connection.reasons import CHECK_TIMEOUT, check, explain

EMBEDDED = ""  # the profile name that stands for the embedded service


class ConnectDialog(QDialog):
    """Pick or edit a profile; `chosen()` once accepted says which (EMBEDDED or a name)."""

    def __init__(
        self,
        profiles: Profiles,
        secrets: SecretStore,
        parent: QWidget | None = None,
        *,
        check_timeout: float = CHECK_TIMEOUT,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a recording service"))
        self._profiles = profiles
        self._secrets = secrets
        self._check_timeout = check_timeout
        self._checking: asyncio.Task[Health] | None = None
        self._chosen = EMBEDDED
        self.list = QListWidget()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("the URL's host, if left empty"))
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://recorder.example.com:8080")
        self.app_id = QLineEdit()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_note = QLabel()
        self.secret_note.setWordWrap(True)
        if secrets.persistent:
            self.secret_note.setText(self.tr("Secrets are kept in the system keyring."))
        else:
            self.secret_note.setText(
                self.tr(
                    "This system has no keyring: secrets are kept in memory for this session "
                    "only, and asked again next time."
                )
            )
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("URL"), self.url)
        form.addRow(self.tr("AppID"), self.app_id)
        form.addRow(self.tr("Secret"), self.secret)
        form.addRow("", self.secret_note)
        self.save_button = QPushButton(self.tr("Save profile"))
        self.save_button.clicked.connect(self._save)
        self.progress = QLabel()
        self.progress.hide()
        self.problem = ErrorBanner()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText(self.tr("Connect"))
        self.anyway_button = self.buttons.addButton(
            self.tr("Connect anyway"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.anyway_button.setToolTip(
            self.tr("Use this service although it does not answer now; RecDesk keeps trying.")
        )
        self.anyway_button.hide()
        self.anyway_button.clicked.connect(self._connect_anyway)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Services")))
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.list.currentItemChanged.connect(self._show)
        for field in (self.name, self.url, self.app_id, self.secret):
            field.textEdited.connect(self._edited)
        self._fill(profiles.last)
        self.resize(480, 460)

    def chosen(self) -> str:
        """The chosen profile's name, or EMBEDDED; before the dialog is accepted, the one
        selected in the list."""
        if self.result() == QDialog.DialogCode.Accepted:
            return self._chosen
        return self._selected()

    def checking(self) -> bool:
        """Whether a service is being checked now."""
        return self._checking is not None and not self._checking.done()

    def _selected(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else EMBEDDED

    def _fill(self, select: str) -> None:
        self.list.clear()
        embedded = QListWidgetItem(self.tr("Built-in demo service (on this computer)"))
        embedded.setData(Qt.ItemDataRole.UserRole, EMBEDDED)
        self.list.addItem(embedded)
        for profile in self._profiles.all():
            item = QListWidgetItem(f"{profile.name} — {profile.url}")
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
            self.list.addItem(item)
            if profile.name == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None:
            self.list.setCurrentRow(0)

    def _show(self) -> None:
        name = self._selected()
        profile = next((p for p in self._profiles.all() if p.name == name), None)
        self.name.setText(profile.name if profile else "")
        self.url.setText(profile.url if profile else "")
        self.app_id.setText(profile.app_id if profile else "")
        self.secret.setText(self._secrets.get(name) if profile else "")
        self._edited()

    def _edited(self) -> None:
        # What was found out was about the fields as they were.
        self.problem.hide()
        self.anyway_button.hide()

    def _typed(self) -> Profile:
        """The profile the fields describe; its name is the URL's host where none is typed."""
        url = self.url.text().strip()
        if url and "://" not in url:
            url = "http://" + url  # "recorder:8080" means what a browser takes it for
        name = self.name.text().strip()
        if not name and url:
            try:
                parsed = httpx.URL(url)
                name = parsed.host + (f":{parsed.port}" if parsed.port else "")
            except httpx.InvalidURL:
                name = url
        return Profile(name, url, self.app_id.text().strip())

    def _save(self) -> None:
        profile = self._typed()
        if not profile.url:
            self.secret_note.setText(self.tr("A profile needs a URL."))
            return
        self._keep(profile)
        self._fill(profile.name)

    def _keep(self, profile: Profile) -> None:
        self._profiles.save(profile)
        self._secrets.set(profile.name, self.secret.text())

    def _accept(self) -> None:
        if self.checking():
            return
        profile = self._typed()
        if not profile.url:
            self._finish(EMBEDDED)
            return
        self._edited()
        self.progress.setText(self.tr("Checking {0}…").format(profile.url))
        self.progress.show()
        self.connect_button.setEnabled(False)
        self._checking = asyncio.ensure_future(
            check(
                profile.url,
                app_id=profile.app_id or None,
                secret=self.secret.text() or None,
                timeout=self._check_timeout,
            )
        )
        self._checking.add_done_callback(lambda task: self._checked(profile, task))

    def _checked(self, profile: Profile, task: asyncio.Task[Health]) -> None:
        if task.cancelled():
            return  # the dialog was closed: it may be gone already
        self._checking = None
        self.progress.hide()
        self.connect_button.setEnabled(True)
        error = task.exception()
        if error is None:
            self._keep(profile)
            self._finish(profile.name)
            return
        if isinstance(error, ValueError):
            what = self.tr("{0} is not an http:// or https:// URL.").format(profile.url)
            todo = self.tr("Type the service's address, for example {0}.").format(
                "http://recorder.example.com:8080"
            )
        else:
            what, todo = explain(error, profile.url)
            self.anyway_button.show()
        self.problem.show_error(what, todo)

    def _connect_anyway(self) -> None:
        profile = self._typed()
        self._keep(profile)
        self._finish(profile.name)

    def _finish(self, name: str) -> None:
        self._chosen = name
        self._profiles.last = name
        self.accept()

    def done(self, result: int) -> None:
        """Close; a check still running is dropped."""
        if self._checking is not None:
            self._checking.cancel()
            self._checking = None
        super().done(result)
