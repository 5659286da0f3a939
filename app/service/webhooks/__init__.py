"""Webhooks: a recording's events POSTed to its `callback_url` and to the service-wide URL,
signed as Standard Webhooks, from a stored outbox that survives restarts.

- `signing`: the `whsec_` secret, the signature and headers; the secret kept in the data dir.
- `settings`: the `[webhooks]` config table, `--callback-url`, the retry policy.
- `payloads`: what each event says to receivers (seed 001's and seed 003's fields).
- `outbox`: the outbox table's rows and queues.
- `delivery`: `Webhooks`, which writes rows as events are stored and sends them.

Nothing is imported here, so reading the config does not load the sender.
"""
