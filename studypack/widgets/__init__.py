"""Interactive widgets (ipywidgets 8): each is a VBox whose controls are attributes.

Lesson widgets (explorers, stepper, layer view, optimiser race, training lab), study widgets
(flashcards, quiz and its practice exam, notes, progress overview) and `ExerciseWidget`, where
learners check the functions they write (also importable here as `Exercise`, the issue's name;
`studypack.exercises.Exercise` is the exercise itself, which the widget shows).
`visit_lesson` records a lesson visit from its first cell and returns the `ProgressNotice` to
show if it could not be saved. Importing this package loads ipywidgets and matplotlib;
`import studypack` alone does not.
"""
from .backprop_stepper import BackpropStepper
from .exercise import ExerciseWidget
from .flashcards import FlashcardDeck
from .gradient_flow import GradientFlowExplorer
from .graph_explorer import GraphExplorer
from .layer_view import LayerView
from .lr_explorer import LearningRateExplorer
from .neuron_explorer import NeuronExplorer
from .notes import NotesViewer
from .optimiser_race import MiniBatchNoise, OptimiserRace
from .practice_exam import PracticeExam
from .progress_overview import ProgressNotice, ProgressOverview, visit_lesson
from .quiz import Quiz
from .training_lab import TrainingLab

Exercise = ExerciseWidget

__all__ = ["BackpropStepper", "Exercise", "ExerciseWidget", "FlashcardDeck",
           "GradientFlowExplorer", "GraphExplorer", "LayerView", "LearningRateExplorer",
           "MiniBatchNoise", "NeuronExplorer", "NotesViewer", "OptimiserRace", "PracticeExam",
           "ProgressNotice", "ProgressOverview", "Quiz", "TrainingLab", "visit_lesson"]
