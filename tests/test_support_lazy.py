"""tfgraph.support.lazy: importing tfgraph and the lessons does not import TensorFlow."""

import subprocess
import sys


def test_importing_the_package_and_lessons_does_not_import_tensorflow():
    code = ("import sys, tfgraph, lessons.mnist_dense, lessons.tensorboard; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "False", out.stderr
