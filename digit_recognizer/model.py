"""The networks.

``simple`` is the classic Conv2D/MaxPool/Dropout/Dense CNN of the Keras examples, kept exactly
as described for learners and as the baseline. ``batchnorm`` is the default: a lean
convolution/batch-normalization network that trains on randomly distorted digits, chosen by
measurement (bench/train_bench.py). ``number_reader`` reads a strip of touching digits
(number_reader.py says how).
"""
from .config import IMAGE_SIZE, NUM_CLASSES, READER_STRIDE, STROKE_JITTER
from .keras_runtime import keras, layers, ops

# The number reader is the digit network slid along a strip: its two poolings give a 28-column
# window every READER_STRIDE columns, and this much padding on either side centres one on every
# step (step i on the strip's columns 4i - 12 to 4i + 15).
WINDOW_PAD = (IMAGE_SIZE - READER_STRIDE) // 2


def build_model(arch, classes=NUM_CLASSES):
    """An uncompiled model mapping (N, 28, 28, 1) floats in [0, 1] to (N, classes) probabilities:
    the ten digits, then "not a digit" when ``classes`` is 11."""
    return {"simple": simple_cnn, "batchnorm": batchnorm_cnn}[arch](classes)


def simple_cnn(classes=NUM_CLASSES):
    return keras.Sequential(
        [
            keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Dropout(0.25),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(classes, activation="softmax"),
        ],
        name="simple_cnn",
    )


def batchnorm_cnn(classes=NUM_CLASSES):
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1))
    x = RandomAffine(stroke=STROKE_JITTER, name="augment")(inputs)
    x = digit_convolutions(x)  # 28x28 -> 2x2
    x = layers.Flatten()(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Dense(256, use_bias=False)(x)
    x = layers.BatchNormalization(momentum=0.9)(x)
    x = layers.Activation("relu")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="batchnorm_cnn")


def number_reader():
    """(N, 28, width, 1) strips -> (N, width / READER_STRIDE, 11) logits: blank, then the digits.

    The default digit network slid along the strip, then a CTC head: the digit network's own
    layers (``batchnorm_cnn``'s, its Dense over the last 2x2 map turned into a 2x2 convolution) see
    a 28-column window centred on every step, and 1-D convolutions along the row (seeing about
    three digits at once) decide what each step holds. ``warm_start`` copies the trained digit
    network into it, so the reader starts out reading digits as well as the digit network does
    and only has to learn where one ends and the next begins (README, "Touching digits").
    Fully convolutional, so it trains on strips as narrow as their rows.
    """
    inputs = keras.Input(shape=(IMAGE_SIZE, None, 1))
    x = layers.ZeroPadding2D(((0, 0), (WINDOW_PAD, WINDOW_PAD)))(inputs)
    x = digit_convolutions(x)  # 2 rows, a window every READER_STRIDE columns
    x = conv_bn_relu(x, 256, kernel=2)  # the digit network's Dense(256), window by window
    x = layers.Reshape((-1, 256))(x)
    x = layers.Dropout(0.3)(x)
    for _ in range(2):
        x = layers.Conv1D(160, 5, padding="same", activation="relu")(x)
        x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(NUM_CLASSES + 1)(x)  # logits, as CTC wants them
    return keras.Model(inputs, outputs, name="number_reader")


def warm_start(reader, digit_network):
    """Copy a trained default digit network (or an ensemble's first member) into the number reader's
    first layers; False, and nothing copied, for another architecture (the reader then learns from scratch)."""
    members = [layer for layer in digit_network.layers if isinstance(layer, keras.Model)]
    network = members[0] if members else digit_network
    before_reshape = reader.layers[: [type(layer) for layer in reader.layers].index(layers.Reshape)]
    trunk = [layer for layer in before_reshape if layer.weights]
    targets = [layer.get_weights() for layer in trunk]
    sources = [layer.get_weights() for layer in network.layers if layer.weights][: len(trunk)]
    if [[array.size for array in weights] for weights in sources] != [[array.size for array in weights] for weights in targets]:
        return False
    # Flatten then Dense is a convolution over the 2x2 map: the same numbers in the convolution's shape.
    for layer, source, target in zip(trunk, sources, targets):
        layer.set_weights([array.reshape(like.shape) for array, like in zip(source, target)])
    return True


def digit_convolutions(x):
    """The default digit network's convolutions, shared with the number reader (whose first layers
    ``warm_start`` copies from it, layer for layer): a 28x28 field -> a 2x2 map of 128 features."""
    # The first block runs at full resolution and so costs most; 16 filters rather than 32 make an
    # epoch cheaper (36 s instead of 40 s in bench/train_bench.py) at the same held-out accuracy.
    for filters in (16, 16):
        x = conv_bn_relu(x, filters)  # 28 -> 24
    x = layers.MaxPooling2D()(x)  # 12
    for filters in (64, 64):
        x = conv_bn_relu(x, filters)  # 12 -> 8
    x = layers.MaxPooling2D()(x)  # 4
    return conv_bn_relu(x, 128)  # 2


def conv_bn_relu(x, filters, kernel=3, padding="valid"):
    x = layers.Conv2D(filters, kernel, padding=padding, use_bias=False)(x)  # the batch norm's shift replaces the bias
    x = layers.BatchNormalization(momentum=0.9)(x)  # settles within a short run, too
    return layers.Activation("relu")(x)


def average(members):
    """One model whose output is the mean of the members' probabilities (a seed ensemble)."""
    inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1))
    for index, member in enumerate(members):
        member.name = f"member_{index}"  # unique names inside the saved file
    outputs = layers.Average()([member(inputs) for member in members])
    return keras.Model(inputs, outputs, name=f"ensemble_of_{len(members)}")


@keras.saving.register_keras_serializable(package="digit_recognizer")
class RandomAffine(layers.Layer):
    """Randomly rotate, zoom and shift each training image in one resampling, and thicken or thin
    the strokes of half of them; identity at inference.

    One combined affine transform per image costs a single pass over the batch, where chaining
    Keras' RandomRotation, RandomZoom and RandomTranslation would resample three times.
    Never flips: a mirrored 2 is not a 2. ``stroke`` is how far towards a 3x3 dilation a stroke
    may grow (and half that towards an erosion): pens and brushes are rarely MNIST's width, and
    picture preparation can only bring them close to it. 0 (old models) leaves strokes alone.
    """

    def __init__(self, rotation=0.17, zoom=0.1, shift=0.1, stroke=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rotation, self.zoom, self.shift, self.stroke, self.seed = rotation, zoom, shift, stroke, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        if self.stroke:
            images = self.jitter_stroke_width(images)
        height, width = images.shape[1], images.shape[2]
        draws = keras.random.uniform((ops.shape(images)[0], 4), -1.0, 1.0, seed=self.seed_generator)
        angle = draws[:, 0] * self.rotation  # radians
        scale = 1.0 + draws[:, 1] * self.zoom
        shift_x = draws[:, 2] * self.shift * width
        shift_y = draws[:, 3] * self.shift * height
        # affine_transform maps each output pixel back to where it samples the input:
        # input = R(-angle) / scale @ (output - centre - shift) + centre.
        cos, sin = ops.cos(angle) / scale, ops.sin(angle) / scale
        center_x, center_y = (width - 1) / 2, (height - 1) / 2
        offset_x = center_x - cos * (center_x + shift_x) - sin * (center_y + shift_y)
        offset_y = center_y + sin * (center_x + shift_x) - cos * (center_y + shift_y)
        zero = ops.zeros_like(cos)
        transforms = ops.stack([cos, sin, offset_x, -sin, cos, offset_y, zero, zero], axis=1)
        distorted = ops.image.affine_transform(images, transforms, interpolation="bilinear", fill_mode="constant")
        # No gradient flows into the augmentation; without this, TensorFlow back-propagates
        # through the resampling and each training step costs nearly twice as much.
        return ops.stop_gradient(distorted)

    def get_config(self):
        return {**super().get_config(), "rotation": self.rotation, "zoom": self.zoom,
                "shift": self.shift, "stroke": self.stroke, "seed": self.seed}

    def jitter_stroke_width(self, images):
        count = ops.shape(images)[0]
        amount = keras.random.uniform((count, 1, 1, 1), -0.5, 1.0, seed=self.seed_generator) * self.stroke
        # Half of the images keep their strokes, so the network still sees MNIST's own.
        kept = keras.random.uniform((count, 1, 1, 1), 0.0, 1.0, seed=self.seed_generator) < 0.5
        amount = ops.where(kept, 0.0, amount)
        dilated = ops.max_pool(images, 3, strides=1, padding="same")
        eroded = -ops.max_pool(-images, 3, strides=1, padding="same")
        target = ops.where(amount > 0, dilated, eroded)
        return images + ops.abs(amount) * (target - images)
