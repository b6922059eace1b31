"""Tooling outside the services' runtime: the ``wuying`` command, the demo province and the
demo scenario. Installed for people and tests (``make install``), never into a service image."""
