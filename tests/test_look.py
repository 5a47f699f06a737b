"""The pieces every widget shares on screen (studypack.widgets.look)."""
import pytest

import studypack.widgets as all_widgets
from studypack.widgets.look import (COLOUR, RIGHT, WRONG, PARTLY, NumberBox, RunHint,
                                    plot_dpi, plot_image, verdict_html)


@pytest.mark.parametrize("typed, number", [("0.25", 0.25), ("-1.5", -1.5), ("1/4", 0.25),
                                           ("0,25", 0.25), (" 2 ", 2.0), ("\u22123", -3.0)])
def test_a_number_box_reads_what_was_typed(typed, number):
    box = NumberBox()
    box.value = typed
    assert box.number() == number


def test_a_number_box_starts_empty_and_says_so():
    box = NumberBox()
    assert box.value == "" and box.number() is None
    box.value = "abc"
    with pytest.raises(ValueError):
        box.number()


def test_enter_checks_but_clearing_from_python_does_not():
    box, submitted = NumberBox(), []
    box.on_submit(lambda b: submitted.append(b.value))
    box.value = "0.5"          # what the browser sends on Enter (continuous_update is off)
    box.clear()
    box.value = "  "           # only spaces: nothing to check
    assert submitted == ["0.5"] and box.value == "  "
    assert box.continuous_update is False


@pytest.mark.parametrize("kind, mark", [(RIGHT, "✔"), (WRONG, "✘"), (PARTLY, "◐")])
def test_a_verdict_has_colour_mark_and_words_and_is_escaped(kind, mark):
    shown = verdict_html(kind, "Right <b>")
    assert COLOUR[kind] in shown and mark in shown and "Right &lt;b&gt;" in shown
    assert "var(--jp-" in COLOUR[kind]  # follows JupyterLab's theme


def test_a_plot_is_shown_at_half_its_pixels_and_never_wider_than_the_page():
    image = plot_image(1200)
    assert image.layout.width == "600px" and image.layout.max_width == "100%"
    assert plot_dpi(6.0, 600) == 200  # a 6-inch figure drawn 1200 px wide


def test_every_widget_says_run_this_cell_before_it_runs():
    classes = [getattr(all_widgets, name) for name in all_widgets.__all__
               if isinstance(getattr(all_widgets, name), type)
               and name not in ("ProgressNotice", "Exercise")]
    missing = [cls.__name__ for cls in classes if not issubclass(cls, RunHint)]
    assert not missing, f"no RunHint: {missing}"
    hints = {cls.run_hint for cls in classes}
    assert len(hints) == len(classes) and RunHint.run_hint not in hints
