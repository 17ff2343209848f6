"""Flags generated from the config dataclasses, and user errors turned into one line and an exit code."""
import dataclasses
from pathlib import Path

import pytest

from digit_recognizer import cli
from digit_recognizer.config import PredictConfig, TrainConfig
from digit_recognizer.errors import InputError, NoDigitFound, RunStopped


def test_every_config_field_is_a_flag_with_its_default_in_the_help():
    help_text = " ".join(cli.build_parser(TrainConfig, "train").format_help().split())
    for config_field in dataclasses.fields(TrainConfig):
        assert "--" + config_field.name.replace("_", "-") in help_text
    assert "--batch-size BATCH_SIZE training batch size (0 = the recipe's: simple 32, batchnorm 128) (default: 0)" \
        in help_text
    assert "--show, --no-show" in help_text  # a True default can be switched off


def test_flags_become_typed_config_values():
    config = cli.parse_config(TrainConfig, "train", ["--data", "mine.csv", "--epochs", "3", "--no-show"])
    assert config.data == Path("mine.csv") and config.epochs == 3 and config.show is False


def test_positional_images_and_their_default():
    assert cli.parse_config(PredictConfig, "predict", []).images == [Path("my_digit.png")]
    assert cli.parse_config(PredictConfig, "predict", ["a.png", "b/"]).images == [Path("a.png"), Path("b/")]


def test_a_value_the_config_refuses_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.parse_config(TrainConfig, "train", ["--validation-split", "1.5"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("error: --validation-split must be between 0 and 1")


@pytest.mark.parametrize("error", [InputError("bad.csv: line 3, column 'pixel7': 'x' is not a whole number"),
                                   NoDigitFound("no digit found (the image is blank)")])
def test_user_errors_are_one_line_and_exit_code_2(error, capsys):
    def main(argv):
        raise error

    assert cli.run(main) == 2
    assert capsys.readouterr() == ("", f"error: {error}\n")


def test_a_run_that_cannot_go_on_is_one_line_and_exit_code_1(capsys):
    def main(argv):
        raise RunStopped("training stopped: another worker stopped or cannot be reached")

    assert cli.run(main) == 1
    assert capsys.readouterr() == ("", "error: training stopped: another worker stopped or cannot be reached\n")


def test_ctrl_c_is_exit_code_130_without_a_traceback(capsys):
    def main(argv):
        raise KeyboardInterrupt

    assert cli.run(main) == 130
    assert capsys.readouterr().err == "\ninterrupted\n"


def test_run_passes_the_arguments_and_the_exit_code_through():
    assert cli.run(lambda argv: len(argv), ["a", "b"]) == 2
