"""Shared kernel used by every service: one obvious place for cross-cutting code.

A service imports from here, never from another service.
"""
