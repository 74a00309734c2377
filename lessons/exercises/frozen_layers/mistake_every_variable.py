"""A mistake learners make: every variable handed to the optimizer, so the reused conv
layers are trained too (fine-tuned, not frozen)."""


def var_list(variables):
    return list(variables)
