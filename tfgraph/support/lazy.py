"""TensorFlow, imported on first use, without its start-up noise.

The syllabus (`python -m lessons`) and every lesson's `--help` must answer at once, and
`import tensorflow` takes about 4 seconds. So the library and the lessons write
`from tfgraph import tf` and use it exactly like `import tensorflow as tf`: the real import
happens the first time an attribute (`tf.compat`, `tf.float32`, ...) is read.
"""

import importlib
import os
import re
import sys
import tempfile

# Lines TensorFlow's C++ side prints while loading, before its log level applies (CPU
# feature notes, oneDNN and CUDA banners): noise between a learner and the lesson's output.
_STARTUP_NOISE = re.compile(rb"^(WARNING: All log messages before absl|[IW]\d{4} |"
                            rb"To enable the following instructions)")


def is_startup_noise(line):
    """Whether a line of stderr (bytes) is TensorFlow's start-up noise, not a real message."""
    return bool(_STARTUP_NOISE.match(line))


def _import_tensorflow():
    # Errors from the C++ runtime that matter reach Python as exceptions; the rest (e.g. "no
    # CUDA driver" on a CPU-only machine) would only alarm. TF_CPP_MIN_LOG_LEVEL=0 shows all.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0":
        return importlib.import_module("tensorflow")
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            return importlib.import_module("tensorflow")
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().splitlines(keepends=True)
                    if not is_startup_noise(line)]
            if kept:
                sys.stderr.buffer.write(b"".join(kept))
                sys.stderr.flush()


class _LazyTensorFlow:
    _module = None

    def __getattr__(self, name):
        if _LazyTensorFlow._module is None:
            _LazyTensorFlow._module = _import_tensorflow()
        return getattr(_LazyTensorFlow._module, name)

    def __repr__(self):
        state = "imported" if _LazyTensorFlow._module is not None else "not imported yet"
        return f"<tensorflow, {state}>"


tf = _LazyTensorFlow()
