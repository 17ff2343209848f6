"""Every setting in one place: recipes fill what the flags leave open, and impossible values are refused."""
from pathlib import Path

import pytest

from digit_recognizer.config import RECIPES, AppConfig, PredictConfig, TrainConfig, recipe_values


@pytest.mark.parametrize("arch", RECIPES)
def test_the_architectures_recipe_fills_unset_training_settings(arch):
    config = TrainConfig(arch=arch)
    recipe = RECIPES[arch]
    assert (config.epochs, config.batch_size, config.validation_split) == (
        recipe.epochs, recipe.batch_size, recipe.validation_split)


def test_the_simple_cnn_trains_the_classic_way_and_the_default_is_batchnorm():
    assert TrainConfig().arch == "batchnorm"
    simple = TrainConfig(arch="simple")
    assert (simple.epochs, simple.batch_size, simple.validation_split) == (10, 32, 0.2)


def test_flags_override_the_recipe():
    config = TrainConfig(arch="simple", epochs=3, batch_size=64, validation_split=0.25)
    assert (config.epochs, config.batch_size, config.validation_split) == (3, 64, 0.25)


def test_the_network_learns_not_a_digit_unless_told_not_to():
    assert TrainConfig().classes == 11 and TrainConfig(non_digits=0).classes == 10


def test_total_epochs_counts_every_ensemble_member():
    assert TrainConfig(epochs=4, ensemble=3).total_epochs == 12


@pytest.mark.parametrize("settings, message", [
    ({"epochs": -1}, "--epochs must be at least 1, got -1"),
    ({"ensemble": 0}, "--ensemble must be at least 1, got 0"),
    ({"limit": -5}, "--limit must be 0 (all rows) or a positive number of rows"),
    ({"validation_split": 1.0}, "--validation-split must be between 0 and 1"),
    ({"reader_epochs": -1}, "--reader-epochs must be 0 (no number reader) or a positive number of epochs"),
    ({"reader_rows": 0}, "--reader-rows must be at least 1, got 0"),
    ({"non_digits": -0.1}, "--non-digits must be 0 (digits only) or a positive share of the training digits"),
])
def test_impossible_training_settings_are_refused(settings, message):
    with pytest.raises(ValueError) as refused:
        TrainConfig(**settings)
    assert str(refused.value) == message


def test_prediction_and_app_settings():
    assert PredictConfig().images == [Path("my_digit.png")]
    with pytest.raises(ValueError, match="--batch-size must be at least 1, got 0"):
        PredictConfig(batch_size=0)
    with pytest.raises(ValueError, match="--port must be between 1 and 65535, got 70000"):
        AppConfig(port=70000)
    for config in (PredictConfig, AppConfig):
        with pytest.raises(ValueError, match="--min-confidence must be between 0 and 1, got 1.5"):
            config(min_confidence=1.5)


def test_recipe_values_quote_each_architecture():
    assert recipe_values("epochs") == ", ".join(f"{arch} {recipe.epochs}" for arch, recipe in RECIPES.items())
    assert recipe_values("batch_size") == "simple 32, batchnorm 128"
