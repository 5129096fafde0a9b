"""Users, roles, API tokens and the organisational catalog (OOAD, Subdelegaciones)."""
