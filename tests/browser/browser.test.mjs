// The browser suites, run one after the other in one process. `node --test` runs test
// files side by side when it sees several cores (a CI container may report the host's),
// and two Chromiums plus SwiftShader's WebGPU on two cores starved a page load past its
// 30 s timeout; suites imported from one file run in order.
import './page.suite.mjs';
import './visitor.suite.mjs';
