"""The REST API under /api/v1/ (docs/api.md): the same services and selectors as the pages, for
the browser's session and for other systems' tokens."""
