"""The rules, pure: what is due, overdue and kept on time, and the order things are read
in. Nothing here imports a database, Rich or Typer (an import contract keeps it so), and
every rule that depends on time takes `now`. Records are read through Protocols, so an ORM
object and a plain row serve alike."""
