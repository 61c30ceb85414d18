"""Cross-cutting web concerns: language, assets, security headers, errors, htmx responses."""
