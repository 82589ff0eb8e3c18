"""Entry point: `python -m bench [--quick] [--only SECTIONS] [--runs N] [--duration SECONDS]`."""

from bench.cli import main

raise SystemExit(main())
