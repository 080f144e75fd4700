"""Section 3/4 of `make bench`: course_lib against the course's own (TF-eager) code and Keras.

Each function returns one row: experiment, ours_s, theirs_s, reference, agreement.
"""

ALL = []
