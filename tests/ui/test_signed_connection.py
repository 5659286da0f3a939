"""A remote profile's AppID and secret reach the service as signed requests; wrong ones end in
words the operator can act on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync

from app.client.errors import Unauthorized
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.connection import Connection
from ui.errors import describe

SECRET = "desk-secret-0123456789"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """A service (no rooms) that wants credentials from every caller."""
    folder: Path = tmp_path_factory.mktemp("secured-desk")
    config = folder / "recdesk.toml"
    config.write_text(
        f'[auth]\nrequire_on_loopback = true\napps = [{{ app_id = "desk", secret = "{SECRET}" }}]\n'
    )
    service = ServiceProcess(folder / "data", None, "--config", str(config)).start()
    yield service
    service.stop()


def test_a_profiles_credentials_sign_the_connection(
    aloop: qasync.QEventLoop, secured: ServiceProcess
) -> None:
    async def scenario() -> None:
        link = Connection(secured.url, app_id="desk", secret=SECRET, poll=0.5)
        link.start()
        try:
            await until(lambda: link.state == "connected")
            assert await link.client.all_rooms() == []
            assert (await link.client.recordings()).items == []
        finally:
            await link.close()

        wrong = Connection(secured.url, app_id="desk", secret="not-the-secret-000", poll=0.5)
        try:
            with pytest.raises(Unauthorized) as caught:
                await wrong.client.all_rooms()
        finally:
            await wrong.close()
        what, todo = describe(caught.value)
        assert "Signature does not match" in what
        assert "AppID and secret" in todo

    aloop.run_until_complete(scenario())
