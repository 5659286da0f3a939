"""The status bar: the connection's state, what records (here and on the service), the
service's free disk space and, when its workers run on a cluster, the cluster's hosts."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from app.api.models import ClusterHealthModel, Health
from ui.common.formats import format_size
from ui.common.palette import Role, colour, follow_palette
from ui.connection.connection import Connection
from ui.status.counts import Counts, RecordingCounter


class StatusLine(QObject):
    """Fills a `QStatusBar` from a connection and a `RecordingCounter`: state, recordings on this
    computer and on the service, free disk space."""

    def __init__(self, bar: QStatusBar, connection: Connection, counter: RecordingCounter) -> None:
        super().__init__(bar)
        self.state = QLabel()
        self.recordings = QLabel()
        self.disk = QLabel()
        self.cluster = QLabel()
        self.cluster.hide()
        self._shown_cluster: ClusterHealthModel | None = None
        for label in (self.recordings, self.cluster, self.disk, self.state):
            bar.addPermanentWidget(label)
        self._connection = connection
        connection.state_changed.connect(self._state)
        connection.health_changed.connect(self._health)
        counter.changed.connect(self._counted)
        self._state(connection.state)
        self._counted(counter.counts)
        follow_palette(self.state, lambda: self._state(self._connection.state))
        follow_palette(self.cluster, lambda: self._cluster(self._shown_cluster))

    def _state(self, state: str) -> None:
        where = self.tr("built-in service") if self._connection.embedded else self._connection.url
        text = {
            "connecting": self.tr("Connecting to {0}…"),
            "connected": self.tr("Connected to {0}"),
            "refused": self.tr("Refused by {0}"),
            "lost": self.tr("Service lost ({0}) — reconnecting…"),
            "closed": self.tr("Disconnected from {0}"),
        }[state].format(where)
        roles: dict[str, Role] = {"connected": "ok", "lost": "error", "refused": "error"}
        dot = colour(roles.get(state, "idle"), self.state.palette()).name()
        self.state.setText(f'<span style="color:{dot}">●</span> {text}')

    def _counted(self, counts: Counts) -> None:
        self.recordings.setText(counts.summary())

    def _health(self, health: Health) -> None:
        self.disk.setText(self.tr("{0} free").format(format_size(health.free_bytes)))
        self._cluster(health.cluster)

    def _cluster(self, cluster: ClusterHealthModel | None) -> None:
        """The cluster's hosts and free CPUs, a lost host in the error colour; each host in the
        tooltip. Hidden when the service records on its own host."""
        self._shown_cluster = cluster
        self.cluster.setVisible(cluster is not None)
        if cluster is None:
            return
        alive = sum(node.alive for node in cluster.nodes)
        text = self.tr("Cluster: %n host(s), {0} of {1} CPUs free", "", alive).format(
            f"{cluster.free_cpus:.1f}", f"{cluster.cpus:.1f}"
        )
        lost = len(cluster.nodes) - alive
        if lost:
            red = colour("error", self.cluster.palette()).name()
            lost_text = self.tr("{0} lost").format(lost)
            text += f' · <span style="color:{red}">{lost_text}</span>'
        self.cluster.setText(text)
        lines = [self.tr("Workers run on the Ray cluster at {0}").format(cluster.address)]
        for node in cluster.nodes:
            state = (
                self.tr("%n recording(s), {0} of {1} CPUs free", "", node.recordings).format(
                    f"{node.free_cpus:.1f}", f"{node.cpus:.1f}"
                )
                if node.alive
                else self.tr("lost")
            )
            lines.append(f"{node.address} ({node.id[:8]}): {state}")
        self.cluster.setToolTip("\n".join(lines))
