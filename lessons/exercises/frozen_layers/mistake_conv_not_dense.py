"""A mistake learners make: the list turned around, the reused conv layers trained and the
new dense layers left at their random start."""


def var_list(variables):
    return [v for v in variables if "conv" in v.op.name]
