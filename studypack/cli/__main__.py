"""`python -m studypack.cli ...` runs the `studypack` command."""
import sys

from studypack.cli import main

sys.exit(main())
