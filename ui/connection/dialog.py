"""The connection dialog: the embedded demo service, or a remote service from a saved profile.

A profile is a name, a URL, an AppID and a secret. The secret goes to the OS keyring; where there
is none the dialog says it is kept for this session only.
"""

from __future__ import annotations

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

from ui.connection.profiles import Profile, Profiles, SecretStore

EMBEDDED = ""  # the profile name that stands for the embedded service


class ConnectDialog(QDialog):
    """Pick or edit a profile; `chosen()` after `exec()` says which (EMBEDDED or a name)."""

    def __init__(self, profiles: Profiles, secrets: SecretStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a recording service"))
        self._profiles = profiles
        self._secrets = secrets
        self.list = QListWidget()
        self.name = QLineEdit()
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Services")))
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(self._show)
        self._fill(profiles.last)
        self.resize(480, 460)

    def chosen(self) -> str:
        """The chosen profile's name, or EMBEDDED."""
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
        name = self.chosen()
        profile = next((p for p in self._profiles.all() if p.name == name), None)
        editable = profile is not None
        for field in (self.url, self.app_id, self.secret):
            field.setEnabled(editable or not name)
        self.name.setText(profile.name if profile else "")
        self.url.setText(profile.url if profile else "")
        self.app_id.setText(profile.app_id if profile else "")
        self.secret.setText(self._secrets.get(name) if profile else "")

    def _save(self) -> None:
        name = self.name.text().strip()
        url = self.url.text().strip()
        if not name or not url:
            self.secret_note.setText(self.tr("A profile needs a name and a URL."))
            return
        self._profiles.save(Profile(name, url, self.app_id.text().strip()))
        self._secrets.set(name, self.secret.text())
        self._fill(name)

    def _accept(self) -> None:
        if self.chosen() == EMBEDDED and self.name.text().strip() and self.url.text().strip():
            self._save()
        self._profiles.last = self.chosen()
        self.accept()
