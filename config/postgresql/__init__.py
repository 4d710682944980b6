"""Django's PostgreSQL backend with a few changes (``ENGINE = "config.postgresql"``): its
psycopg pool hands out the most recently used connection first, checks a connection without
a round trip when it was returned moments ago, and survives ``fork()`` (see ``fork.py``);
``prepared_cursor()`` gives the hot hand-written queries prepared statements."""
