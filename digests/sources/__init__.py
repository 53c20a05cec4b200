"""Where articles come from, and how a page becomes clean text."""
