"""Every component id, once."""

# shell
NAVBAR = "navbar"
RANGE = "time-range"
INTERVAL = "refresh-interval"
LAST_UPDATED = "last-updated"

# overview
OVERALL_STATUS = "overview-status"
KPI_CARDS = "overview-kpis"
COMPONENTS = "overview-components"

# system
CPU_GRAPH = "system-cpu-graph"
MEMORY_GRAPH = "system-memory-graph"
DISK_GRAPH = "system-disk-graph"
DISK_IO_GRAPH = "system-disk-io-graph"
NETWORK_GRAPH = "system-network-graph"
PROCESS_TABLE = "system-process-table"
DISK_TABLE = "system-disk-table"


def figure_store(graph_id: str) -> str:
    """The store a live graph's server-built figure lands in (see callbacks/livegraph.py)."""
    return f"{graph_id}-figure"
