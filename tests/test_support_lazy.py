"""tfgraph.support.lazy: importing tfgraph and the lessons does not import TensorFlow."""

import subprocess
import sys


def test_importing_the_package_and_lessons_does_not_import_tensorflow():
    code = ("import sys, tfgraph, lessons.mnist_dense, lessons.tensorboard; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_packages_load_a_module_only_when_it_is_asked_for():
    """`tfgraph` and `tfgraph.support` import none of their modules (the syllabus reads
    `tfgraph.support.i18n` alone); each name they list still comes when asked for."""
    code = ("import sys\nimport tfgraph\nfrom tfgraph.support import i18n\n"
            "print(sorted(m for m in sys.modules if m.startswith('tfgraph') or m == 'numpy'))\n"
            "from tfgraph import layers, new_graph, tf\nfrom tfgraph.support import Run, UserError, cli\n"
            "print(all(callable(f) for f in (new_graph, Run, layers.dense)), issubclass(UserError, Exception))\n"
            "import tfgraph.support\ntry:\n    tfgraph.support.nothing\nexcept AttributeError as e:\n"
            "    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == [
        "['tfgraph', 'tfgraph.support', 'tfgraph.support.errors', 'tfgraph.support.i18n']",
        "True True", "module 'tfgraph.support' has no attribute 'nothing'"], out.stderr
