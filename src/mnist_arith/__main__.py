"""`python -m mnist_arith`: the `mnist-arith` command line."""

import sys

from mnist_arith.cli import main

sys.exit(main())
