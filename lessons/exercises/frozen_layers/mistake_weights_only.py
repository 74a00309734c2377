"""A mistake learners make: only the dense layers' weights picked, their biases forgotten."""


def var_list(variables):
    return [v for v in variables if v.op.name.startswith("head/") and v.op.name.endswith("weights")]
