"""Live streams over the node's audit log (see :mod:`tearline.feed.hub`)."""

from tearline.feed.hub import Follower, Subscription, frame

__all__ = ["Follower", "Subscription", "frame"]
