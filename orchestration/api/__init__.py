"""Orchestration's REST API: start, read, resume and cancel workflow runs; a run's drafts and package."""
