"""The rules. Functions here take a database session and `now`, return plain objects and
never print, so they are tested directly without the command line."""
