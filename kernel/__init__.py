"""Shared kernel: the few types and helpers every bounded context builds on."""
