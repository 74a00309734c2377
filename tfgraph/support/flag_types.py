"""argparse `type`s made from plain checks, so a lesson's own flags fail as the shared ones do.

    from tfgraph.data.digits import parse_digits
    p.add_argument("--digits", type=flag_types.checked(parse_digits), ...)

A plain check (a function of the flag's text that returns its value or raises ValueError
with the sentence for the learner) knows nothing of argparse, so it can live at tfgraph's
top layer beside the data it reads. argparse shows the message of an ArgumentTypeError
only (a ValueError becomes "invalid parse_digits value"); `checked` turns the one into the
other: a bad value is one line and exit code 2, like a bad `--epochs`. Introduced for
lesson going_deep's `--digits`.
"""

import argparse


def checked(check):
    """An argparse `type` from `check(text) -> value`, which raises ValueError(message)."""
    def parse(text):
        try:
            return check(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    parse.__name__ = check.__name__       # argparse names the type in some messages
    return parse
