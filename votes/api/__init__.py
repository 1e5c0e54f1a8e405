"""The public read-only API under /api/v1/ (issue 16 §5, docs/api.md): only what the site
already shows to everyone, through the same visibility rules."""
