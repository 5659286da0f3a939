"""The credential checks on a clock the test sets: the ±10-minute window to the second, nonces
used once and forgotten after 20 minutes (in a real store), tokens by name."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from app.api.errors import ApiError, ErrorCode
from app.service.auth.config import AppCredential, AuthConfig, TokenCredential
from app.service.auth.verify import NonceBook, Principal, SignedRequest, Verifier
from app.service.store.store import Store

SECRET = "studio-secret-0123456789"
TOKEN = "ci-token-abcdefghijklmnop"
AUTH = AuthConfig(apps=(AppCredential("studio", SECRET),), tokens=(TokenCredential("ci", TOKEN),))
START = 1_800_000_000.0


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "recdesk.sqlite3")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(store: Store, clock: Clock) -> Verifier:
    return Verifier(AUTH, NonceBook(lambda: store), clock=clock)


def query(nonce: str, timestamp: float, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(timestamp))
    signature = hashlib.md5(f"studio{nonce}{secret}{stamp}".encode()).hexdigest()
    return {
        "AppId": "studio",
        "SignatureNonce": nonce,
        "Timestamp": stamp,
        "SignatureVersion": "1.0",
        "Signature": signature,
    }


def refused(verifier: Verifier, params: dict[str, str], auth: str | None = None) -> ApiError:
    with pytest.raises(ApiError) as caught:
        verifier.check(params, auth)
    assert SECRET not in caught.value.message
    assert TOKEN not in caught.value.message
    return caught.value


def test_the_window_is_ten_minutes_either_way_to_the_second(verifier: Verifier) -> None:
    assert verifier.check(query("a", START - 600), None) == Principal("app", "studio")
    assert verifier.check(query("b", START + 600), None) == Principal("app", "studio")
    late = refused(verifier, query("c", START - 601))
    assert late.code is ErrorCode.signature_expired
    assert "601 s behind" in late.message
    early = refused(verifier, query("d", START + 601))
    assert early.code is ErrorCode.signature_expired
    assert "601 s ahead of" in early.message


def test_an_expired_request_does_not_spend_its_nonce(verifier: Verifier, clock: Clock) -> None:
    refused(verifier, query("n1", START - 700))
    assert verifier.check(query("n1", START), None).name == "studio"


def test_a_wrong_signature_does_not_spend_its_nonce(verifier: Verifier) -> None:
    assert refused(verifier, query("n2", START, "wrong-secret")).code is ErrorCode.unauthorized
    assert verifier.check(query("n2", START), None).kind == "app"


def test_a_nonce_is_refused_until_twenty_minutes_have_passed(
    verifier: Verifier, clock: Clock, store: Store
) -> None:
    verifier.check(query("once", START), None)
    clock.now = START + 599  # the same request, replayed while its Timestamp still passes
    assert refused(verifier, query("once", START)).code is ErrorCode.nonce_reused
    clock.now = START + 1199  # signed again with a later time, just under 20 minutes on
    assert refused(verifier, query("once", clock.now)).code is ErrorCode.nonce_reused
    clock.now = START + 1201
    assert verifier.check(query("once", clock.now), None).kind == "app"
    # The old nonces are pruned from the table, not kept for ever.
    clock.now = START + 5000
    verifier.check(query("other", clock.now), None)
    with store.transaction() as db:
        rows = db.execute("SELECT nonce FROM nonces ORDER BY nonce").fetchall()
    assert rows == [("other",)]


def test_nonces_survive_a_new_verifier_on_the_same_store(store: Store, clock: Clock) -> None:
    Verifier(AUTH, NonceBook(lambda: store), clock=clock).check(query("kept", START), None)
    again = Verifier(AUTH, NonceBook(lambda: store), clock=clock)
    assert refused(again, query("kept", START)).code is ErrorCode.nonce_reused


def test_tokens_by_header_or_query(verifier: Verifier) -> None:
    assert verifier.check({}, f"Bearer {TOKEN}") == Principal("token", "ci")
    assert verifier.check({}, f"bearer   {TOKEN} ") == Principal("token", "ci")
    assert verifier.check({"Token": TOKEN}, None) == Principal("token", "ci")
    refused(verifier, {"Token": TOKEN + "x"})
    message = refused(verifier, {}, TOKEN).message  # a bare token is not echoed back
    assert "Bearer TOKEN" in message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"SignatureNonce": "has space"}, "SignatureNonce must be"),
        ({"SignatureNonce": "x" * 129}, "SignatureNonce must be"),
        ({"Timestamp": "17e8"}, "not Unix time"),
        ({"Timestamp": "-5"}, "not Unix time"),
        ({"Signature": "abc"}, "32 hex digits"),
        ({"SignatureVersion": "3.0"}, "use 1.0"),
        ({"AppId": "other"}, "'other' is not one of this service's apps"),
        ({"Signature": ""}, "lacks Signature"),
    ],
)
def test_malformed_signatures_say_what_to_fix(
    verifier: Verifier, change: dict[str, str], words: str
) -> None:
    error = refused(verifier, {**query("m", START), **change})
    assert error.code is ErrorCode.unauthorized
    assert words in error.message


def test_the_signature_is_taken_over_the_values_as_sent(verifier: Verifier) -> None:
    params = query("v", START)
    upper = {**params, "Signature": params["Signature"].upper()}
    assert verifier.check(upper, None).kind == "app"  # hex digits in either case
    padded = {**params, "Timestamp": "0" + params["Timestamp"]}
    assert "does not match" in refused(verifier, padded).message


def test_without_credentials_configured_nothing_passes(store: Store) -> None:
    verifier = Verifier(AuthConfig(), NonceBook(lambda: store))
    assert "own machine only" in refused(verifier, {"Token": TOKEN}).message


def test_a_service_without_its_store_is_unavailable(clock: Clock) -> None:
    verifier = Verifier(AUTH, NonceBook(lambda: None), clock=clock)
    assert refused(verifier, query("s", START)).code is ErrorCode.unavailable


# --- signatures that bind the request (X-RecDesk-*) ----------------------------------------------


def bound(nonce: str, timestamp: float, body: bytes = b"", secret: str = SECRET) -> SignedRequest:
    """A POST /v1/recordings?b=2&a=1 signed as the README says (HMAC-SHA256, written out)."""
    stamp = str(int(timestamp))
    lines = ["POST", "/v1/recordings", "a=1&b=2", "studio", stamp, nonce]
    text = "\n".join([*lines, hashlib.sha256(body).hexdigest()])
    fields = {
        "X-RecDesk-App": "studio",
        "X-RecDesk-Timestamp": stamp,
        "X-RecDesk-Nonce": nonce,
        "X-RecDesk-Signature": hmac.new(secret.encode(), text.encode(), "sha256").hexdigest(),
    }
    return SignedRequest("POST", "/v1/recordings", b"b=2&a=1", fields, body)


def test_a_binding_signature_has_the_same_window_and_nonces(verifier: Verifier) -> None:
    assert verifier.check({}, None, signed=bound("w1", START - 600)).name == "studio"
    late = refused_bound(verifier, bound("w2", START - 601))
    assert late.code is ErrorCode.signature_expired
    assert "X-RecDesk-Timestamp" in late.message
    # A nonce spent by either scheme is spent for both.
    verifier.check(query("shared", START), None)
    assert refused_bound(verifier, bound("shared", START)).code is ErrorCode.nonce_reused
    verifier.check({}, None, signed=bound("shared2", START))
    assert refused(verifier, query("shared2", START)).code is ErrorCode.nonce_reused


def test_a_binding_signature_covers_the_body_and_says_what_it_computed(
    verifier: Verifier,
) -> None:
    signed = bound("b1", START, b'{"room_id": "a"}')
    changed = SignedRequest(
        signed.method, signed.path, signed.query, signed.fields, b'{"room_id": "b"}'
    )
    error = refused_bound(verifier, changed)
    assert "does not match" in error.message
    assert "a=1&b=2" in error.message  # the canonical request, to compare with the client's
    assert verifier.check({}, None, signed=signed).kind == "app"  # the nonce was not spent
    short = {**bound("b2", START).fields, "X-RecDesk-Signature": "ab" * 16}
    assert "64 hex digits" in refused_bound(verifier, SignedRequest("GET", "/", b"", short)).message


def test_seed_signatures_can_be_refused_where_binding_ones_are_required(
    verifier: Verifier,
) -> None:
    with pytest.raises(ApiError) as caught:
        verifier.check(query("s1", START), None, seed_scheme=False)
    assert "X-RecDesk-Signature" in caught.value.message
    assert verifier.check({}, f"Bearer {TOKEN}", seed_scheme=False).kind == "token"


def refused_bound(verifier: Verifier, signed: SignedRequest) -> ApiError:
    with pytest.raises(ApiError) as caught:
        verifier.check({}, None, signed=signed)
    assert SECRET not in caught.value.message
    return caught.value
