"""E-mail: composing messages into the outbox, the transports, and the worker that drains it.

Nothing here sends from inside a caller's transaction: ``compose`` only adds rows to the outbox,
so a message exists (and survives a crash) before anyone tries to deliver it.
"""
