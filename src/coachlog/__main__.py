from coachlog.cli.entry import run

run()
