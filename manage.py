#!/usr/bin/env python
from civicgrid.cli import main

if __name__ == "__main__":
    main()
