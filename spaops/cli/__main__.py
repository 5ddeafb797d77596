"""`python -m spaops.cli ...`: the same as the `spaops` command."""

from spaops.cli import main

raise SystemExit(main())
