"""Interactive lesson widgets (ipywidgets 8): each is a VBox whose controls are attributes.

Importing this package loads ipywidgets and matplotlib; `import studypack` alone does not.
"""
from .backprop_stepper import BackpropStepper
from .gradient_flow import GradientFlowExplorer
from .graph_explorer import GraphExplorer
from .lr_explorer import LearningRateExplorer
from .neuron_explorer import NeuronExplorer
from .training_lab import TrainingLab

__all__ = ["BackpropStepper", "GradientFlowExplorer", "GraphExplorer", "LearningRateExplorer",
           "NeuronExplorer", "TrainingLab"]
