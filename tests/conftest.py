import os
import re

from hypothesis import HealthCheck, settings

# (STUDYPACK_HOME points to a throwaway folder: see the conftest.py beside pyproject.toml)

# Deterministic and time-unbounded: CI machines vary in speed; examples are cheap.
settings.register_profile("default", deadline=None, derandomize=True, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(items):
    """Tests in a module that uses PyTorch carry the `torch` mark: CI installs torch after
    the README's command and runs `pytest tests -m torch`, so none of them can be left out."""
    import pytest
    uses_torch: dict = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        if module not in uses_torch:  # torch imported at the top, or inside a test
            source = open(module.__file__, encoding="utf-8").read()
            uses_torch[module] = (getattr(getattr(module, "torch", None), "__name__", "") == "torch"
                                  or re.search(r"importorskip\(\s*[\"']torch[\"']", source))
        if uses_torch[module]:
            item.add_marker(pytest.mark.torch)
