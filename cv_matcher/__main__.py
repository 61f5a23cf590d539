"""`python -m cv_matcher` runs the command line."""
from .cli import main

main()
