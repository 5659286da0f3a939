"""Webhooks in parts: the signature against the spec's example, the retry schedule, the secret
the service keeps or is given, the `[webhooks]` table, and a message given up after 24 hours
(an injected clock) while the next one in its queue goes on, reported as `webhook.given_up`."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.models import Event, Recording
from tests.helpers.service import ServiceProcess, run, wait_until
from tests.helpers.webhooks import Receiver, printed_secret, retries_in_order, verify


def test_signature_matches_the_standard_webhooks_example():
    from app.service.webhooks.signing import WebhookSecret

    # The example the Standard Webhooks libraries test against.
    secret = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    generated = WebhookSecret.generate()
    headers = generated.headers("msg_1", 1614265330, json.dumps({"a": 1}))
    verify(generated.text, headers, json.dumps({"a": 1}).encode(), now=1614265330)


def test_a_message_failing_for_24_hours_is_given_up_reported_and_the_next_one_goes(
    tmp_path: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture
):
    from app.service.store.eventlog import EventLog
    from app.service.store.store import Store
    from app.service.webhooks.delivery import Webhooks
    from app.service.webhooks.settings import RetryPolicy
    from app.service.webhooks.signing import WebhookSecret

    # The receiver never takes the first message, and takes the second at once.
    receiver.answer = lambda path, headers, body: 500 if b'"State":"starting"' in body else 200
    receiver.listen()
    # A receiver's URL may carry its token: the event must not repeat it.
    url = f"http://hook:s3cret@127.0.0.1:{receiver.port}/rec?token=t0ken#x"
    ahead = [timedelta(0)]

    def clock() -> datetime:
        return datetime.now(UTC) + ahead[0]

    async def scenario() -> tuple[dict[str, int], list[Event], list[Any], set[str]]:
        with Store(tmp_path / "db.sqlite3") as store:
            store.add_recording(
                Recording(
                    id="r_1",
                    room_id="call",
                    mode="single",
                    stream_type="av",
                    format="mp4",
                    state="starting",
                    created=clock(),
                    callback_url=url,
                )
            )
            events = EventLog(store)
            webhooks = Webhooks(
                store,
                events,
                secret=WebhookSecret.generate(),
                data_dir=tmp_path,
                retry=RetryPolicy(first=0.01, cap=0.05, give_up_after=24 * 3600),
                clock=clock,
            )
            events.store_along(webhooks.write)
            await webhooks.start()
            try:
                for state, previous in (("starting", None), ("recording", "starting")):
                    data = {"recording_id": "r_1", "state": state, "previous": previous}
                    events.publish("recording.state", data | {"room_id": "call", "reason": None})
                await asyncio.to_thread(receiver.wait, lambda got: len(got) >= 10)
                first = {r.msg_id for r in receiver.got()}
                assert len(first) == 1  # the second one waits
                ahead[0] = timedelta(hours=24, seconds=1)
                webhooks.wake()

                async def settled() -> dict[str, int] | None:
                    counts = webhooks.counts()
                    return counts if counts["pending"] == 0 else None

                counts = await wait_until(settled)
            finally:
                await webhooks.close()
            with store.transaction() as db:
                rows = db.execute("SELECT type FROM outbox ORDER BY id").fetchall()
            return counts, store.events_after(0), rows, first

    with caplog.at_level(logging.WARNING, logger="app.service.webhooks.delivery"):
        counts, events, rows, first = run(scenario())
    assert counts == {"pending": 0, "delivered": 1, "given_up": 1}
    assert [row[0] for row in rows] == ["recording.state", "recording.state"]  # none of its own
    ids = [r.msg_id for r in receiver.got()]
    (first_id,) = first
    second_id = ids[-1]
    assert second_id != first_id
    assert ids.count(second_id) == 1
    assert retries_in_order(receiver.got())
    assert any("given up" in record.getMessage() for record in caplog.records)
    (given_up,) = [e.data for e in events if e.type == "webhook.given_up"]
    created = datetime.fromisoformat(given_up.pop("created"))
    assert timedelta(0) <= datetime.now(UTC) - created < timedelta(minutes=5)
    assert given_up == {
        "msg_id": first_id,
        "recording_id": "r_1",
        "url": f"http://127.0.0.1:{receiver.port}/rec",
        "type": "recording.state",
        "attempts": ids.count(first_id),
        "error": "HTTP 500",
    }


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://hooks.example.com/in?token=abc", "https://hooks.example.com/in"),
        ("https://user:pw@hooks.example.com:8443/in#frag", "https://hooks.example.com:8443/in"),
        ("http://[::1]:9000/in?key=1", "http://[::1]:9000/in"),
    ],
)
def test_a_given_up_url_keeps_no_credentials_or_query(url: str, public: str):
    from app.service.webhooks.delivery import public_url

    assert public_url(url) == public


def test_retry_delays_double_up_to_the_cap_with_jitter():
    from app.service.webhooks.settings import RetryPolicy

    policy = RetryPolicy()
    assert [policy.delay(n, lambda: 1.0) for n in (1, 2, 3, 10, 11, 100)] == [
        1.0,
        2.0,
        4.0,
        512.0,
        600.0,
        600.0,
    ]
    assert policy.delay(3, lambda: 0.0) == pytest.approx(3.2)


def test_the_service_keeps_one_secret_in_its_data_dir(tmp_path: Path):
    data = tmp_path / "data"
    first = printed_secret(data)
    assert first == printed_secret(data)
    assert (data / "webhook-secret").read_text().strip() == first
    assert (data / "webhook-secret").stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(first.removeprefix("whsec_"))) >= 24


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('url = "ftp://hooks"', r"webhooks\.url: 'ftp://hooks' is not an http:// or https:// URL"),
        ('uri = "http://hooks"', r"webhooks\.uri: unknown key; use url, secret, secret_env"),
        ('secret = "s3cret"', r"webhooks\.secret: must start with whsec_"),
        ('secret = "whsec_@@"', r"webhooks\.secret: must be whsec_ followed by base64"),
        (
            'secret = "whsec_AAAA"\nsecret_env = "X"',
            r"webhooks: give secret or secret_env, not both",
        ),
        (
            'secret_env = "RECDESK_TEST_NO_SUCH_VARIABLE"',
            r"webhooks\.secret_env: the environment variable RECDESK_TEST_NO_SUCH_\w+ is not set",
        ),
    ],
)
def test_a_wrong_webhooks_table_names_its_key(tmp_path: Path, table: str, message: str):
    from app.service.config import ConfigError, load_config

    path = tmp_path / "recdesk.toml"
    path.write_text(f"[webhooks]\n{table}\n")
    with pytest.raises(ConfigError, match=rf"recdesk\.toml: {message}"):
        load_config(path)


def test_the_webhook_secret_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from app.service.config import load_config

    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("RECDESK_TEST_WEBHOOK_SECRET", secret)
    path = tmp_path / "recdesk.toml"
    path.write_text('[webhooks]\nsecret_env = "RECDESK_TEST_WEBHOOK_SECRET"\n')
    config = load_config(path).webhooks
    assert config is not None
    assert config.secret is not None
    assert config.secret.text == secret
    assert secret not in repr(config)
    assert printed_secret(tmp_path / "data", "--config", str(path)) == secret
    assert not (tmp_path / "data" / "webhook-secret").exists()


def test_a_callback_url_that_is_not_http_is_refused(service: ServiceProcess):
    body = {"room_id": "call", "callback_url": "ftp://hooks.example.com/x"}
    answer = httpx.post(f"{service.url}/v1/recordings", json=body, timeout=10)
    assert answer.status_code == 422
    assert answer.json()["name"] == "invalid_value"
    assert "callback_url" in answer.json()["message"]
