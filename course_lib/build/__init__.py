"""Tooling students never import: the notebook list and executor, the student generator, the offline
handouts and the test-time network guard.

    python -m course_lib.build.notebooks list | execute [PATH...]
    python -m course_lib.build.student [--check] [--force]
    python -m course_lib.build.handouts fetch | slides | html | all
"""
