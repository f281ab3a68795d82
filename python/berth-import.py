"""Berth's import helper: `berth import` runs this file in the user's own Python.

It reads one JSON request on stdin, loads the artifact (unpickling runs the artifact's code, which
is why this happens here, in a child process of the training environment, and never in the
server), converts it to ONNX, predicts the parity rows with the original model and writes
result.json into the request's work folder. Everything it has to say goes into that file, errors
included; stdout and stderr are for the libraries' own chatter.
"""

import sys

from berth_import.main import main

if __name__ == "__main__":
    sys.exit(main())
