"""Flask-WTF forms, one module per area; they parse, services validate."""
