"""The `docs-service` command line. Each command is one transaction; errors exit non-zero with a
one-line Spanish message."""
import functools
import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .db import transaction
from .errors import DomainError


def main():
    from .. import create_app
    cli = FlaskGroup(create_app=create_app, add_default_commands=True,
                     help="Normateca de Cobranza (IMSS, Coordinación de Cobranza).")
    cli.main(prog_name="docs-service")


def command_errors(func):
    """Turn domain errors and unexpected failures into a one-line Spanish message and exit 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DomainError as err:
            click.echo(f"Error: {err.message}", err=True)
            sys.exit(1)
        except click.exceptions.Exit:
            raise
        except Exception as err:  # noqa: BLE001
            current_app.logger.exception("command failed")
            click.echo(f"Error: la operación falló ({type(err).__name__}); no se aplicó ningún cambio.", err=True)
            sys.exit(1)
    return wrapper


@click.command("init")
@with_appcontext
@command_errors
def init_command():
    """Crea o actualiza la base de datos, el catálogo de unidades y el usuario admin (idempotente)."""
    from .areas import hooks
    from .migrate import upgrade

    for folder in (current_app.instance_path, current_app.config["DOCS_BLOB_DIR"]):
        os.makedirs(folder, exist_ok=True)
    upgrade()
    with transaction():
        for _area, init in hooks(current_app, "init"):
            init()


@click.command("demo")
@with_appcontext
@command_errors
def demo_command():
    """Carga los datos de demostración de cada área (usuarios de cada rol, normateca, …). Idempotente."""
    from .areas import hooks
    for _area, load in hooks(current_app, "demo"):
        load()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve_command(host, port, threads):
    """Sirve la aplicación con un servidor WSGI de producción (waitress)."""
    from waitress import serve
    click.echo(f"Normateca de Cobranza en http://{host}:{port}/ (Ctrl+C para detener)")
    serve(current_app._get_current_object(), host=host, port=port, threads=threads,
          ident="normateca", clear_untrusted_proxy_headers=True)


def register_commands(app):
    from .blobs import blobs_group
    for command in (init_command, serve_command, demo_command, blobs_group):
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
