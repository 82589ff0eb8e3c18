"""Strategy's REST API: list and read strategy versions, approve or reject them."""
