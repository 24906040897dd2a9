"""Page layouts. Each module's `layout()` takes nothing app-specific: Dash keeps pages in one
global registry, so per-app state reaches a page only through its callbacks."""

# (module, path, name): the order of the navbar.
PAGES = [
    ("dashboard.pages.overview", "/", "Overview"),
    ("dashboard.pages.system", "/system", "System"),
    ("dashboard.pages.predictions", "/predictions", "Predictions"),
    ("dashboard.pages.model", "/model", "Model"),
    ("dashboard.pages.drift", "/drift", "Drift"),
    ("dashboard.pages.database", "/database", "Database"),
    ("dashboard.pages.alerts", "/alerts", "Alerts"),
]
