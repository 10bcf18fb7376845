#!/usr/bin/env python
from jianfu.cli import main

if __name__ == "__main__":
    main()
