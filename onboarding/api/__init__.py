"""Onboarding's REST API: submit intakes, list and read briefs and their raw intake."""
