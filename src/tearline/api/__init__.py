"""The HTTP API: a thin layer over the services (FastAPI). See :func:`create_app`."""

from tearline.api.app import create_app

__all__ = ["create_app"]
