"""`python -m analysis` — see analysis.cli."""

from analysis.cli import main

raise SystemExit(main())
