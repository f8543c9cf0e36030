//! pogo-tolerance: Positional tolerance: probe hit probabilities, contact yield, sensitivity.
