"""Delivery's REST API: read a package and download its zip."""
