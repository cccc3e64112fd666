"""python -m derivtutor"""

from derivtutor.cli import main

main()
