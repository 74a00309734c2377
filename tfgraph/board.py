"""`python -m tfgraph.board [lesson]`: open TensorBoard on the lessons' logs.

The launcher itself is support code, not a lesson's subject: `tfgraph/support/board.py`.
"""

from tfgraph.support.board import command_line

if __name__ == "__main__":
    command_line()
