// The fault suites are the longest by far (minutes each): started last, they would leave one worker running them
// alone at the end of `npm test`. Jest's own order (failed first, then by recorded duration, then file size) decides
// the rest; a fresh clone has no recorded durations, so without this the faults would start wherever size put them.
const Sequencer = require("@jest/test-sequencer").default;

/** jest.config.js's `faults` project. */
const isFaultSuite = (test) => test.context.config.displayName?.name === "faults";

class FaultsFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [...ordered.filter(isFaultSuite), ...ordered.filter((test) => !isFaultSuite(test))];
  }
}

module.exports = FaultsFirst;
