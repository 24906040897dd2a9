/* One refresh at a time per browser tab.
 *
 * Dash's renderer drops a callback's pending answer when the same callback is triggered again, so
 * a callback slower than the refresh interval would never paint, and every tick would stack another
 * request on the server. The interval therefore drives callbacks through a tick store that only
 * advances when none of this tab's callback requests is still waiting for its answer. A request
 * that has waited longer than STALE_MS no longer holds refreshes back (a lost connection must not
 * freeze the page).
 *
 * A request is waiting until its whole body has arrived and SETTLE_MS more have passed: fetch()
 * resolves as soon as the headers arrive, while Dash still reads and applies the body, and a tick in
 * that gap re-triggered the callback, dropping the answer and opening a second request (the race
 * tests/browser/test_slow_dashboard.py caught once).
 */
(function () {
  const STALE_MS = 30000;
  const SETTLE_MS = 200;  // time for Dash to apply a read answer before the next refresh may start
  const started = new Map();  // request number -> start time (ms)
  let next = 0;
  const plainFetch = window.fetch.bind(window);

  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.indexOf("_dash-update-component") < 0) {
      return plainFetch(input, init);
    }
    const id = next++;
    started.set(id, Date.now());
    const done = function () {
      setTimeout(function () { started.delete(id); }, SETTLE_MS);
    };
    return plainFetch(input, init).then(function (response) {
      response.clone().arrayBuffer().then(done, done);  // a copy: Dash reads the original itself
      return response;
    }, function (error) {
      done();
      throw error;
    });
  };

  function busy() {
    const now = Date.now();
    for (const t of started.values()) {
      if (now - t < STALE_MS) {
        return true;
      }
    }
    return false;
  }

  window.predwatchRefresh = {inFlight: function () { return started.size; }, busy: busy};
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    predwatchGate: {
      // A hidden tab (another tab in front, a minimised window) does not refresh at all: nobody sees
      // its charts, and the server's queries are then left to the tabs in view. The first tick after
      // it comes back into view refreshes it.
      tick: function (_n, tick) {
        if (busy() || document.visibilityState === "hidden") {
          return window.dash_clientside.no_update;
        }
        return (tick || 0) + 1;
      },
    },
  });
})();
