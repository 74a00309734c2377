"""Errors a learner can fix: the lessons print them as one line and exit with code 2."""


class UserError(Exception):
    """A problem with the learner's input (a flag, a data folder, a log folder).

    `tfgraph.cli.run` prints it as one line on stderr and exits with code 2, without a
    traceback: the message alone must say what is wrong and how to fix it.
    """

    exit_code = 2
