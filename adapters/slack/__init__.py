"""Kith on Slack: slack-bolt (AsyncApp) and slack-sdk, in Socket Mode or HTTP mode.

render (pure: the message model as Block Kit), inbound (pure: payloads as core events), chat (the
ChatPort over the Web API), directory (users.info), store (event ids and keyed posts), app (the
bolt wiring), run (``kith run``), manifest (the Slack app manifest from the registry).
"""
