"""Training on several devices or machines with TensorFlow's own strategies: which one, how many
replicas train in step, and which worker is the chief, the one that saves.

Keras' `fit` splits every batch between the replicas (`--batch-size` is the global batch), so the
recipe's learning rate stays right for any number of them.
"""
import contextlib

from .errors import RunStopped
from .keras_runtime import tf


def strategy_named(name):
    """none: the default strategy (no distribution); mirrored: every GPU, else every CPU device
    (one, unless split into logical devices, as the tests do); multiworker: the workers named in
    TF_CONFIG."""
    if name == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    if name == "multiworker":
        _let_keras_fit_across_workers()
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def worker(strategy):
    """(This worker's index, the number of workers): (0, 1) outside a cluster."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or resolver.task_type is None:
        return 0, 1
    jobs = resolver.cluster_spec().as_dict()
    workers = [(task_type, index) for task_type in ("chief", "worker") for index in range(len(jobs.get(task_type, ())))]
    return workers.index((resolver.task_type, resolver.task_id)), len(workers)


def alone(strategy):
    """Whether no other worker trains in step with this one."""
    return worker(strategy)[1] == 1


def is_chief(strategy):
    """Whether this process saves what the run made: the chief job, else worker 0, as TensorFlow's
    own guides choose."""
    return worker(strategy)[0] == 0


@contextlib.contextmanager
def stopping_together(strategy):
    """Around a fit: when another worker stops (Ctrl-C there, a crash, a lost machine), this one
    cannot go on alone; TensorFlow's error becomes one line instead of a traceback."""
    try:
        yield
    except tf.errors.OpError as error:
        if alone(strategy):
            raise
        raise RunStopped(f"training stopped: another worker stopped or cannot be reached ({type(error).__name__} "
                         "in TensorFlow); nothing more is saved") from None


def _let_keras_fit_across_workers():
    """Keras 3 (3.12 to 3.15 at least; keras-team/keras#20585) cannot `fit` under
    MultiWorkerMirroredStrategy, in two places where it hands that strategy's `reduce` what only
    MirroredStrategy's accepts:

    - before the first step it averages the whole first batch (images, labels) across the workers,
      a nest of per-replica values, only to learn the batch's shapes: the local replica's part has
      them too;
    - after each step it averages the logs (loss, accuracy: scalars) across the workers along axis 0,
      which a scalar does not have: scalars are averaged as they are.

    Both are replaced by wrappers that do just that and otherwise call Keras' own code; with one
    worker, or any other strategy, nothing changes.
    """
    from keras.src.backend.tensorflow import trainer

    if getattr(trainer, "_fit_across_workers", False):
        return
    build, reduce_per_replica = trainer.TensorFlowTrainer._maybe_symbolic_build, trainer.reduce_per_replica

    def maybe_symbolic_build(self, iterator=None, data_batch=None):
        if iterator is not None and self._distribute_strategy is not None:
            for _, _, batches in iterator:
                local_part = self._distribute_strategy.experimental_local_results
                data_batch = tf.nest.map_structure(lambda value: local_part(value)[0], next(batches))
                break
            iterator = None
        return build(self, iterator=iterator, data_batch=data_batch)

    def reduced(values, strategy, reduction="auto"):
        if reduction in ("auto", "mean") and trainer._collective_all_reduce_multi_worker(strategy):
            return tf.nest.map_structure(lambda value: _averaged_across_workers(value, strategy), values)
        return reduce_per_replica(values, strategy, reduction)

    trainer.TensorFlowTrainer._maybe_symbolic_build = maybe_symbolic_build
    trainer.reduce_per_replica = reduced
    trainer._fit_across_workers = True


def _averaged_across_workers(value, strategy):
    if not isinstance(value, tf.distribute.DistributedValues):
        return value
    rank = strategy.experimental_local_results(value)[0].shape.rank
    return strategy.reduce("MEAN", value, axis=0 if rank else None)
