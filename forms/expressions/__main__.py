"""``python -m forms.expressions``: see ``forms.expressions.vectors.main``."""

import sys

from forms.expressions.vectors import main

sys.exit(main())
