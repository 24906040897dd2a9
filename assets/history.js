/* Keep the shared time range in the URL's query string (?range=7d, or ?from=...&to=..., and live=0
 * when refresh is paused), so a view can be shared and reloaded. replaceState changes the address
 * without a navigation, so Dash Pages does not re-render the page for it.
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  predwatchHistory: {
    syncUrl: function (value, live, pathname) {
      const params = new URLSearchParams();
      if (typeof value === "string" && value.indexOf("abs:") === 0 && value.indexOf("/") > 0) {
        const parts = value.slice(4).split("/");
        params.set("from", parts[0]);
        params.set("to", parts[1]);
      } else if (value) {
        params.set("range", value);
      }
      if (live === false) {
        params.set("live", "0");
      }
      const search = "?" + params.toString();
      if (window.location.search !== search) {
        window.history.replaceState(window.history.state, "", (pathname || window.location.pathname) + search);
      }
      return search;
    },
    zoomRequest: function (relayout) {
      const r = relayout || {};
      let lo = r["xaxis.range[0]"], hi = r["xaxis.range[1]"];
      if (lo === undefined && Array.isArray(r["xaxis.range"]) && r["xaxis.range"].length === 2) {
        lo = r["xaxis.range"][0];
        hi = r["xaxis.range"][1];
      }
      if (lo === undefined || hi === undefined) {
        return window.dash_clientside.no_update;  // autosize, y-only zoom, autoscale
      }
      return {"xaxis.range": [lo, hi], at: Date.now()};
    },
    applyRestore: function (restored) {
      const skip = window.dash_clientside.no_update;
      if (!restored || restored.search !== window.location.search) {
        return [skip, skip, skip];
      }
      const value = restored.value === null ? skip : restored.value;
      const live = restored.live === null ? skip : restored.live;
      return [value, restored.options, live];
    },
    chartCsv: function (clicks, id) {
      const host = clicks && document.getElementById(id.graph);
      const gd = host && host.querySelector(".js-plotly-plot");
      if (!gd || !gd.data) {
        return window.dash_clientside.no_update;
      }
      const cell = function (v) {
        const text = v === null || v === undefined ? "" : String(v);
        return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
      };
      const lines = ["trace,x,y"];
      (gd._fullData || gd.data).forEach(function (trace, i) {
        const x = trace.x || [], y = trace.y || [];
        const name = trace.name || (gd.data[i] && gd.data[i].name) || "trace " + i;
        for (let k = 0; k < Math.max(x.length, y.length); k++) {
          lines.push([name, x[k], y[k]].map(cell).join(","));
        }
      });
      return {content: lines.join("\n") + "\n", filename: id.graph + ".csv", type: "text/csv"};
    },
  },
});
