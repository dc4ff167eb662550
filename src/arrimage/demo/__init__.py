"""The demonstration builder: each app builds its own demonstration data (``<app>/demo.py``);
this package's ``demo`` command runs them in order."""
