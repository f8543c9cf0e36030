"""Reference discontinuity scan in numpy, for the pogo-qc benchmark.

usage: numpy_discontinuity.py TRACE CHANNELS SAMPLE_RATE THRESHOLD_OHM MIN_DURATION_S

The same rule as pogo_qc::discontinuity: a sample is above when its value (f32le,
channels interleaved, ohms) is greater than the threshold or NaN; a run of L above
samples is an event when L / sample_rate >= min_duration. Straightforward numpy: the
trace is read in chunks (so memory stays bounded), each channel's runs are found with
np.diff on the above mask, and a run that crosses a chunk boundary is carried over.
Prints JSON: per-channel event counts, total samples and the seconds spent.
"""
import json
import math
import sys
import time

import numpy as np


def main():
    path, k, fs, thr, min_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    x = min_s * fs
    min_len = max(1, math.ceil(x - 1e-9 * max(x, 1.0)))
    chunk_frames = (64 << 20) // (4 * k)
    t0 = time.perf_counter()
    counts = [0] * k
    carry = [0] * k  # length of the run still open at the end of the previous chunk
    frames = 0
    with open(path, "rb") as f:
        while True:
            a = np.fromfile(f, dtype="<f4", count=chunk_frames * k)
            if a.size == 0:
                break
            a = a.reshape(-1, k)
            n = a.shape[0]
            for c in range(k):
                col = a[:, c]
                above = (col > thr) | np.isnan(col)
                edges = np.diff(np.concatenate(([False], above, [False])).astype(np.int8))
                starts = np.flatnonzero(edges == 1)
                ends = np.flatnonzero(edges == -1)
                lengths = ends - starts
                if carry[c] and lengths.size and starts[0] == 0:
                    lengths[0] += carry[c]
                elif carry[c]:
                    counts[c] += carry[c] >= min_len
                # The last run is still open if it reaches the end of the chunk.
                if lengths.size and ends[-1] == n:
                    carry[c] = int(lengths[-1])
                    lengths = lengths[:-1]
                else:
                    carry[c] = 0
                counts[c] += int(np.count_nonzero(lengths >= min_len))
            frames += n
    for c in range(k):
        counts[c] += carry[c] >= min_len
    elapsed = time.perf_counter() - t0
    print(json.dumps({"samples": frames, "counts": [int(v) for v in counts], "seconds": elapsed}))


if __name__ == "__main__":
    main()
