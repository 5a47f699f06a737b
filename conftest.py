"""pytest's settings for everything it runs here: tests/ and the notebooks (nbval)."""
import os
import tempfile

# Learner progress written during a test run (including by notebook kernels, which inherit
# this environment) goes to a throwaway folder, never to the tester's real progress: also
# when only notebooks are run (`pytest notebooks/01_forward_pass_and_loss.ipynb`).
os.environ["STUDYPACK_HOME"] = tempfile.mkdtemp(prefix="studypack-test-home-")
