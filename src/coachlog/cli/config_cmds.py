"""`coachlog config`: the settings, their values and where each came from (SPEC §2a), and
`coachlog config set KEY VALUE`, which checks the value and writes the settings file."""

from __future__ import annotations

from typing import Annotated

import typer

from coachlog.cli.common import JsonOpt, state

config_app = typer.Typer(
    help="Your settings (config.toml): each value and where it came from.",
    rich_markup_mode=None,
    invoke_without_command=True,
    no_args_is_help=False,
)


@config_app.callback()
def show(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show every setting, its value and where it came from: a flag, an environment
    variable, the settings file, or the built-in default. Flags win, then the environment,
    then the file.

    \b
    Example:
      coachlog config
      coachlog config set tz Europe/Lisbon
    """
    if ctx.invoked_subcommand is not None:
        return
    from coachlog.render import print_json
    from coachlog.render.settings import settings_json, settings_screen

    st = state(ctx)
    values = st.settings.every()
    if json:
        print_json(settings_json(values, st.settings.path))
        return
    settings_screen(values, st.settings.path)


@config_app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting, e.g. tz, within, minutes, coach.")],
    value: Annotated[str, typer.Argument(help="Its new value, e.g. Europe/Lisbon, 14d, 50.")],
    json: JsonOpt = False,
) -> None:
    """Check a value and write it to the settings file (created 0600 if missing; your other
    lines and comments are kept).

    \b
    Example:
      coachlog config set tz Europe/Lisbon
      coachlog config set within 14d
      coachlog config set coach "Rita Alves"
      coachlog config set pager false
    """
    from coachlog.render import print_json
    from coachlog.render.settings import setting_json, setting_saved
    from coachlog.settings import write_value

    st = state(ctx)
    written = write_value(key, value, st.settings.path)
    if json:
        print_json(setting_json(written))
        return
    setting_saved(written, overridden=st.settings.get(key))


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
