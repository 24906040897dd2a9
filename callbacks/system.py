"""System page: resource charts and the process and filesystem tables."""

from __future__ import annotations

from dash import Dash, Input, Output

from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.timerange import window
from dashboard import figures, ids
from dashboard.alert_shading import add_alert_periods, periods_for
from dashboard.tables import disk_table, process_table
from data.clock import utcnow
from data.queries import alerts as alert_queries
from data.queries import system as q
from data.store import Store

DISK_IO = {"disk_read_bytes_per_second": "read", "disk_write_bytes_per_second": "write"}
NETWORK = {"net_recv_bytes_per_second": "received", "net_sent_bytes_per_second": "sent"}
GRAPHS = (ids.CPU_GRAPH, ids.MEMORY_GRAPH, ids.DISK_IO_GRAPH, ids.NETWORK_GRAPH, ids.DISK_GRAPH)


def register(app: Dash, store: Store) -> None:
    keep_zoom(app, *GRAPHS)

    @app.callback(*figure_outputs(*GRAPHS), Input(ids.TICK, "data"), Input(ids.RANGE, "value"))
    def charts(_n: int, range_key: str) -> tuple:
        since, until = window(range_key, utcnow())
        system = q.system_series(store, since, until)
        alerts = alert_queries.periods(store, since, until)  # shaded behind the chart of the metric they watch
        return (
            add_alert_periods(
                figures.make_cpu_figure(system, q.core_series(store, since, until), range_key), periods_for(alerts, "cpu_percent")
            ),
            add_alert_periods(figures.make_memory_figure(system, range_key), periods_for(alerts, "memory_percent")),
            figures.make_rate_figure(system, "Disk I/O", DISK_IO, range_key),
            figures.make_rate_figure(system, "Network", NETWORK, range_key),
            add_alert_periods(
                figures.make_disk_figure(q.disk_series(store, since, until), range_key), periods_for(alerts, "disk_used_percent")
            ),
        )

    @app.callback(Output(ids.PROCESS_TABLE, "children"), Output(ids.DISK_TABLE, "children"), Input(ids.TICK, "data"))
    def tables(_n: int) -> tuple:
        return process_table(q.latest_processes(store)), disk_table(q.latest_disks(store).to_dict("records"))
