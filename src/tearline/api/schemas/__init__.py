"""What the API accepts and answers, as pydantic models that the OpenAPI document shows.

``bodies``: the request bodies (unknown fields refused). ``answers``: the one error shape,
the errors every route may give and :func:`~tearline.api.schemas.answers.answers`, which
documents a route's answer. The answer models by subject: ``items`` (items, documents,
releases, consents, incidents), ``picture`` (observations and tracks), ``people`` (persons
and sessions), ``audit`` (the log and its verdict), ``exchange`` (ledger, checkpoints, held
releases).
"""
