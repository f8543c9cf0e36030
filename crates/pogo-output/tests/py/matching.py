"""What the read-back checks share: values read from a file against the expected ones."""

# Two values are the same to this, mm (1 um, and the rounding of the files' numbers).
TOL_MM = 0.0011


def mismatch(got, want, what):
    """Where the sorted tuples `got` (read from the file) and `want` (expected) differ
    by more than TOL_MM in some value: a message naming them by `what` ("hole"), or
    None when they match."""
    if len(got) != len(want):
        return f"{len(got)} {what}s read, {len(want)} expected"
    for g, w in zip(got, want):
        if any(abs(a - b) > TOL_MM for a, b in zip(g, w)):
            return f"{what} {g} read where {w} was expected"
    return None
