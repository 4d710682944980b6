"""Django's PostgreSQL backend with two changes to its psycopg pool (``ENGINE =
"config.postgresql"``): the most recently used connection is handed out first, and the pool
survives ``fork()`` (see ``fork.py``)."""
