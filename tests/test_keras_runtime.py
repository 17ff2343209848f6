"""TensorFlow and Keras load in one place, quietly, whatever is imported first."""
import subprocess
import sys

from conftest import ROOT


def test_importing_the_model_module_alone_loads_keras_without_noise():
    code = "from digit_recognizer import model; print(model.build_model('simple').count_params())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1199882\n" and result.stderr == ""


def test_keras_runs_on_tensorflow():
    from digit_recognizer.keras_runtime import keras, tf

    assert keras.backend.backend() == "tensorflow"
    assert tf.get_logger().level == 40  # ERROR
