"""The saved model: the `.keras` file, its LiteRT copy and the metadata that ties them together.

main.py writes the three side by side; predict.py and the app read them. The metadata records
both files' fingerprints, so the fast LiteRT copy is used only when it came from the same
training run as the `.keras` file: a copy left over from another run never answers for this model.
The metadata is written last, as the record that the set is complete: a save killed before it
leaves files that the old metadata does not vouch for, so the LiteRT copy is not trusted.
"""
import hashlib
import json
import sys
from pathlib import Path

from .atomic_write import check_writable, commit, stage, write_atomically
from .errors import InputError


def reader_path(model_path):
    """Where the number reader trained with a model is saved: beside it, with its own LiteRT copy and metadata."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + ".numbers.keras")


def litert_path(model_path):
    return Path(model_path).with_suffix(".tflite")


def metadata_path(model_path):
    return Path(model_path).with_suffix(".json")


def check_destination(model_path, also=()):
    """InputError unless a model, its number reader, their LiteRT copies and metadata, and the files
    ``also`` (the pictures beside them) can all be written: checked before training, not after it."""
    model_path = Path(model_path)
    if model_path.suffix != ".keras":
        suggestion = model_path / "digit_recognizer_model.keras" if model_path.is_dir() else model_path.with_suffix(".keras")
        raise InputError(f"{model_path}: a model is saved as a .keras file; try --model {suggestion}")
    for model in (model_path, reader_path(model_path)):
        for path in (model, litert_path(model), metadata_path(model)):
            check_writable(path)
    for path in also:
        check_writable(path)


def fingerprint(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def recorded_fingerprint(model_path):
    """The .keras file's fingerprint as its metadata records it; None without one."""
    return recorded_metadata(model_path).get("fingerprints", {}).get("keras")


def recorded_metadata(model_path):
    """The metadata beside the model, or {} when there is none (or it cannot be read)."""
    try:
        return read_metadata(model_path)
    except (OSError, ValueError):
        return {}


def read_metadata(model_path):
    """The JSON main.py wrote beside the model (the run's settings, figures and fingerprints)."""
    return json.loads(metadata_path(model_path).read_text())


def save(model, path, metadata):
    """Write the model, its LiteRT copy and their metadata; return the paths written.

    A crash never leaves a half-written file: both models are written whole under temporary
    names first, then renamed into place, the metadata last. Without a LiteRT copy (the converter
    failed) the `.keras` model still stands, and predict.py uses Keras.
    """
    exported = litert_path(path)
    staged = {}
    try:
        staged[path] = stage(path, model.save)
        try:
            staged[exported] = stage(exported, lambda tmp: model.export(tmp, format="litert", verbose=False))
        except Exception as error:  # the converter's failures vary; the .keras model is what matters
            print(f"warning: no LiteRT copy ({type(error).__name__}: {error}); predict.py will use Keras",
                  file=sys.stderr)
        fingerprints = {"keras": fingerprint(staged[path])}
        if exported in staged:
            fingerprints["litert"] = fingerprint(staged[exported])
        for final, tmp in staged.items():
            commit(tmp, final)
    finally:  # interrupted before the renames: no temporary file stays behind
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    if "litert" not in fingerprints:
        exported.unlink(missing_ok=True)  # another run's copy
    metadata = {**metadata, "fingerprints": fingerprints}
    write_atomically(metadata_path(path), lambda tmp: tmp.write_text(json.dumps(metadata, indent=2) + "\n"))
    return [path, *([exported] if "litert" in fingerprints else []), metadata_path(path)]


def litert_mismatch(model_path):
    """None when the LiteRT copy beside the model was exported from it; otherwise why not."""
    exported = litert_path(model_path)
    if not exported.is_file():
        return f"{exported} does not exist"
    try:
        recorded = read_metadata(model_path)["fingerprints"]
    except (OSError, ValueError, KeyError, TypeError):
        recorded = None
    if not isinstance(recorded, dict):
        return f"{metadata_path(model_path)} does not record the model's fingerprints"
    try:
        same_run = recorded.get("keras") == fingerprint(model_path) and recorded.get("litert") == fingerprint(exported)
    except OSError as error:
        return f"{error.filename} cannot be read ({error.strerror.lower()})"
    if not same_run:
        return f"{exported} is not from the same training run as {model_path}"
    return None
