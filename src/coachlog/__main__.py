from coachlog.cli.main import run

run()
