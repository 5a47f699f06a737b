import os
import tempfile

from hypothesis import HealthCheck, settings

# Learner progress written during the tests (including by notebook kernels, which inherit
# this environment) goes to a throwaway folder, never to the tester's real progress.
os.environ["STUDYPACK_HOME"] = tempfile.mkdtemp(prefix="studypack-test-home-")

# Deterministic and time-unbounded: CI machines vary in speed; examples are cheap.
settings.register_profile("default", deadline=None, derandomize=True, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
