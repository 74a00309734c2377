"""Print the syllabus: every lesson in teaching order, with the command that runs it.

Deliberately imports nothing heavy (no TensorFlow, no numpy), so it answers at once.
"""

from lessons import SYLLABUS


def main():
    print('tfgraph — the lessons of the talk "Deep Learning e Tensorflow", in order:\n')
    for number, (module, part, slides, what) in enumerate(SYLLABUS, 1):
        print(f"{number}. python -m lessons.{module}")
        print(f"   {part} — slides {slides}: {what}")
    print("\nEach lesson: --help lists its flags; it ends by printing the TensorBoard command."
          "\nOpen all runs at once: python -m tfgraph.board")


if __name__ == "__main__":
    main()
