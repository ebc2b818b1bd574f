"""The command line. Modules here import only typer and coachlog's light modules at import
time; the store, the ORM and the services are imported inside command bodies, so
`coachlog --help` and shell completion stay fast (a test checks this)."""
