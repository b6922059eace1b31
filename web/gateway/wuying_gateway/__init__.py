"""One origin per front end: the built single-page app plus ``/api/<service>/…`` to the services."""

from .app import Gateway, GatewayConfig, make_app

__all__ = ["Gateway", "GatewayConfig", "make_app"]
