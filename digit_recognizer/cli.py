"""Command-line plumbing shared by the entry points: flags from config, errors as one line."""
import argparse
import dataclasses
import sys

from .errors import InputError, RunStopped


def build_parser(config_class, description, **defaults):
    """An argparse parser with one flag per config field, defaults and help taken from the field.

    ``defaults`` overrides a field's default where the entry-point script owns it.
    """
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    for config_field in dataclasses.fields(config_class):
        kwargs = dict(config_field.metadata)
        positional = kwargs.pop("positional", False)
        kwargs["default"] = defaults.get(config_field.name, config_field.default)
        if config_field.type is bool:
            kwargs["action"] = argparse.BooleanOptionalAction if kwargs["default"] else "store_true"
        elif config_field.type is not list:
            kwargs["type"] = config_field.type
        if positional:
            parser.add_argument(config_field.name, **kwargs)
        else:
            parser.add_argument("--" + config_field.name.replace("_", "-"), **kwargs)
    return parser


def parse_config(config_class, description, argv=None, **defaults):
    parser = build_parser(config_class, description, **defaults)
    args = parser.parse_args(argv)
    try:
        return config_class(**vars(args))
    except ValueError as error:
        parser.error(str(error))  # usage line, the message, exit code 2


def run(main, argv=None):
    """Run ``main(argv)`` and turn user errors and Ctrl-C into a message and an exit code."""
    try:
        return main(argv)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # what the system refused (a folder that cannot be entered, a full disk)
        if error.filename is None:
            raise
        print(f"error: {error.filename}: {(error.strerror or str(error)).lower()}", file=sys.stderr)
        return 2
    except RunStopped as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
