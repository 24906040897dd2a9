// dcc.Graph loads plotly.js on its first draw from window._dashPlotlyJSURL, which dash's renderer sets to
// the full bundle (4.8 MB, every trace type). Our charts draw scatter, bar and heatmap traces only, which
// plotly.js's cartesian bundle of the same version draws (1.5 MB: a fresh tab parses a third), so the
// graph is pointed there. The bundle sits in assets/lazy/, which the page does not list
// (assets_path_ignore), so a page without a chart (the Overview) loads no plotly.js at all.
// The ?m= fingerprint is its version: the server caches it for a year (api/compression.py).
(function () {
    const url = '/assets/lazy/plotly-cartesian-4.1.1.min.js?m=4.1.1';
    Object.defineProperty(window, '_dashPlotlyJSURL', { get: () => url, set: () => {} });
})();
