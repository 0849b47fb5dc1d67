// The reviewer page's entry: wires the views to their routes and starts the router. Bundled by
// scripts/build-web.mjs into hub/web/dist/assets/app.js; the hub serves it with `fieldproof hub --http`.
import { resizeCharts } from './charts.js';
import { startRouter } from './router.js';
import { coverageView } from './views/coverage.js';
import { decisionsView } from './views/decisions.js';
import { driftView } from './views/drift.js';
import { handoverDetailView } from './views/handover-detail.js';
import { handoversView } from './views/handovers.js';
import { recordsView } from './views/records.js';
import { summaryView } from './views/summary.js';

const root = document.getElementById('view')!;
const nav = document.getElementById('nav')!;
window.addEventListener('beforeprint', resizeCharts);
window.addEventListener('afterprint', resizeCharts);
startRouter(root, {
  summary: summaryView, coverage: coverageView, drift: driftView, handovers: handoversView, handover: handoverDetailView,
  decisions: decisionsView, records: recordsView,
}, nav);
