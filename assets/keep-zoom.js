/* Keep a user's zoom across live refreshes.
 *
 * Dash 4.4's dcc.Graph copies every zoom into its `figure` prop and re-plots, which clears
 * plotly.js's memory of GUI edits, so `uirevision` alone no longer keeps the zoom when a
 * callback sends a whole new figure. The server therefore writes figures to a dcc.Store, and
 * this function moves them into the graph, carrying over the axis ranges the user set while
 * the figure's `uirevision` is unchanged (a new time range resets the view).
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  predwatch: {
    keepZoom: function (next, current) {
      if (!next) {
        return window.dash_clientside.no_update;
      }
      const now = current && current.layout;
      if (!now || !next.layout || now.uirevision !== next.layout.uirevision) {
        return next;
      }
      const layout = Object.assign({}, next.layout);
      Object.keys(now).forEach(function (key) {
        const axis = now[key];
        if (/^[xy]axis\d*$/.test(key) && axis && axis.autorange === false && Array.isArray(axis.range)) {
          layout[key] = Object.assign({}, layout[key], {range: axis.range.slice(), autorange: false});
        }
      });
      return Object.assign({}, next, {layout: layout});
    },
  },
});
