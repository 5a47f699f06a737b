"""The instructor's classroom: a quiz assigned to a class, the students' answers, grading.

- `assignments`: `build_assignment()` / `write_assignment()` make the student part (no answer
  key in it) and the instructor's key; `ResponsesFile` saves a student's answers;
  `read_key()` reads a key back.
- `handins`: finding what a class hands in, reading it warily, grading it against the key
  (`grade_files()`), the grades CSV and per-question statistics.

Built on `studypack.content` (questions, scoring one answer) and `studypack.progress.atomic`
(files never half-written). Nothing here imports widgets.
"""
from .assignments import (AnswerKey, Assignment, AssignmentError, ResponsesFile, build_assignment,
                          open_assignment, read_key, write_assignment)
from .handins import GradeReport, find_hand_ins, grade_files

__all__ = ["AnswerKey", "Assignment", "AssignmentError", "GradeReport", "ResponsesFile",
           "build_assignment", "find_hand_ins", "grade_files", "open_assignment", "read_key",
           "write_assignment"]
