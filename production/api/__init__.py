"""Production's REST API: read a draft with its quality-control result."""
