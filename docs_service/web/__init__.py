"""Layout, home page, health check and the self-hosted API docs assets."""
