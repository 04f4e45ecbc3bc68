"""Notifications service: the 待办 inbox of every role, built from the other services' event feeds."""
