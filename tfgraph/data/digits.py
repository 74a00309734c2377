"""Some of MNIST's ten digits: "only the digits 0-4", "ten images of each of 5-9".

    digits = parse_digits("0-4")                  # (0, 1, 2, 3, 4)
    base = only_digits(load_mnist(), digits)     # train, validation and test: 0-4 only
    few = few_images(data.train, (5, 6, 7, 8, 9), per_digit=10, seed=0)

Introduced in lesson going_deep (`--digits`: a network trained on some digits only) and
used by transfer_learning, which trains its base on 0-4 and teaches it 5-9 from a few
labelled images of each.
"""

import numpy as np

from tfgraph.data.mnist import NUM_CLASSES, Mnist, Split
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _, number

ALL_DIGITS = tuple(range(NUM_CLASSES))


def parse_digits(text):
    """ "0-4", "5-9", "0,2,4" or "0-2,7" -> (0, 1, 2, 7), sorted.

    A plain check: a text that names no digits 0-9, or fewer than two (a classifier needs
    two classes at least), raises ValueError with the sentence to show the learner.
    """
    chosen = set()
    for part in text.split(","):
        first, _dash, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last or first)
            named = 0 <= low <= high < NUM_CLASSES
        except ValueError:
            named = False
        if not named:
            raise ValueError(_("expected digits 0-9 as a range or a list, e.g. 0-4 or 0,2,4, "
                               "got {text!r}").format(text=text))
        chosen.update(range(low, high + 1))
    if len(chosen) < 2:
        raise ValueError(_("a classifier needs at least two digits, got {text!r}").format(text=text))
    return tuple(sorted(chosen))


def digits_text(digits):
    """(0, 1, 2, 3, 4) -> "0-4"; (0, 2, 4) -> "0,2,4": the way `parse_digits` reads them."""
    digits = list(digits)
    if digits == list(range(digits[0], digits[-1] + 1)) and len(digits) > 2:
        return f"{digits[0]}-{digits[-1]}"
    return ",".join(map(str, digits))


def only_digits(data, digits):
    """`data` (a `Mnist`) with only the examples whose label is in `digits`, in each split;
    the labels keep their value (0-9), so a one-hot row still has ten columns."""
    if tuple(digits) == ALL_DIGITS:
        return data
    train, validation, test = (s.only(digits) for s in (data.train, data.validation, data.test))
    if not len(train) or not len(test):
        raise UserError(_("no training or test images of the digits {digits} in {source}").format(
            digits=digits_text(digits), source=data.source))
    source = _("{source}; digits {digits} only: train {train}, validation {validation}, "
               "test {test}").format(source=data.source, digits=digits_text(digits),
                                     train=number(len(train), ","),
                                     validation=number(len(validation), ","),
                                     test=number(len(test), ","))
    return Mnist(train, validation, test, data.image_shape, source)


def few_images(split, digits, per_digit, seed):
    """`per_digit` images of each of `digits` from `split`, picked at random (the same for the
    same seed and count), in a shuffled order: a `Split` of len(digits) * per_digit."""
    rng = np.random.default_rng([seed, per_digit])
    picked = []
    for d in digits:
        where = np.flatnonzero(split.labels == d)
        if len(where) < per_digit:
            raise UserError(_("only {found} training images of the digit {digit} (wanted "
                              "{wanted} per digit): use fewer --images-per-digit or more "
                              "--train-size").format(found=len(where), digit=d, wanted=per_digit))
        picked.append(rng.choice(where, per_digit, replace=False))
    rows = rng.permutation(np.concatenate(picked))
    return Split(split.images[rows], split.labels[rows])
