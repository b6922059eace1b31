"""The partner side of the event contract: other agencies' events, keyed by county."""
